package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The summary reads shapes, ranks and scales from the files' headers and configs. */
class AdapterSummaryTest {
    @Test
    void realAdaptersSummarizeWithTheirScales() {
        AdapterSummary imdb = Lora.load(RealAdapters.path("distilbert-imdb")).summary();
        assertEquals(12, imdb.rows().size());
        imdb.rows().forEach(r -> {
            assertEquals("[768, 768]", r.shape());
            assertEquals(8, r.rank());
            assertEquals(2.0, r.scale());
        });
        AdapterSummary gpt2 = Lora.load(RealAdapters.path("gpt2-tigrinya")).summary();
        assertEquals(36, gpt2.rows().size());
        assertTrue(gpt2.rows().stream().allMatch(r -> r.scale() == 4.0));
        assertTrue(gpt2.rows().stream().anyMatch(r -> r.shape().equals("[2304, 768]")));
        assertTrue(gpt2.toText().contains("transformer.h.0.attn.c_attn"));
    }

    @Test
    void computedAdaptersHaveNoScaleUntilEvaluatedAndHtmlIsEscaped() {
        Adapter a = Lora.from(TestAdapters.random("<a&b>", 1, TestAdapters.shapes(2)));
        AdapterSummary s = a.plus(a.times(2).select("q")).summary();
        assertTrue(Double.isNaN(s.rows().get(0).scale()));
        assertTrue(a.summary().toHtml().contains("&lt;a&amp;b&gt;"));
        assertEquals(2.0, a.summary().rows().get(0).scale());
    }
}
