package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;

/** The options of the 2025 methods: accepted where they apply, errors naming the option and the method elsewhere. */
class SpectralOptionsTest {
    private static Merge merge(Method m) {
        return Merge.of(
                        Lora.from(TestAdapters.random("first", 1, TestAdapters.shapes(4))),
                        Lora.from(TestAdapters.random("second", 2, TestAdapters.shapes(3))))
                .method(m);
    }

    @Test
    void optionsOutsideTheirMethodAreErrors() {
        assertMessage(() -> merge(Method.TSV).coreMerge(CoreMerge.TIES).adapter(), "core_merge", "tsv");
        assertMessage(() -> merge(Method.ISO_C).isotropize(true).adapter(), "isotropize", "iso_c");
        assertMessage(() -> merge(Method.ISO_C).commonSpaceFraction(0.5).adapter(), "common_space_fraction", "iso_c");
        assertMessage(() -> merge(Method.CORE_SPACE).cartWeight(0.5).adapter(), "cart_weight", "core_space");
        assertMessage(() -> merge(Method.CORE_SPACE).density(0.5).adapter(), "density", "core_space");
        assertMessage(() -> merge(Method.TIES_SVD).density(0.5).alpha(2).adapter(), "alpha", "ties_svd");
        assertMessage(
                () -> merge(Method.TSV).majoritySign(MajoritySign.FREQUENCY).adapter(), "majority sign", "tsv");
        assertMessage(() -> merge(Method.ISO_CTS).commonSpaceFraction(1.5), "common_space_fraction", "1.5");
        assertMessage(() -> merge(Method.CORE_SPACE).cartRankFraction(0), "cart_rank_fraction");
        assertMessage(() -> CoreMerge.parse("median"), "median", "dare_ties");
    }

    @Test
    void optionsInsideTheirMethodAreAccepted() {
        Adapter ties = merge(Method.CORE_SPACE)
                .coreMerge("ties")
                .density(0.4)
                .majoritySign(MajoritySign.FREQUENCY)
                .adapter();
        assertTrue(
                ties.plan().explain().contains("core_space ties density=0.4 sign=frequency"),
                ties.plan().explain());
        Adapter defaults = merge(Method.KNOTS_TIES).adapter();
        assertTrue(defaults.plan().explain().contains("density=0.2"), "KnOTS' TIES default topK 20%");
        assertEquals(CoreMerge.TA, CoreMerge.parse("sum"));
        assertEquals(CoreMerge.DARE_TIES, CoreMerge.parse("DARE-TIES"));
        Adapter cart = merge(Method.CORE_SPACE)
                .coreMerge(CoreMerge.CART)
                .cartRankFraction(0.5)
                .cartWeight(0.2)
                .isotropize(true)
                .adapter();
        assertTrue(cart.plan().explain().contains("isotropize"), cart.plan().explain());
    }

    private static void assertMessage(Runnable r, String... parts) {
        LoraException e = assertThrows(LoraException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }
}
