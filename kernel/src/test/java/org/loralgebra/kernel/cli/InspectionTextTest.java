package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

class InspectionTextTest {
    @Test
    void numbersKeepOneDecimalWhenWholeAndSixSignificantDigitsOtherwise() {
        assertEquals("16.0", InspectionText.number(16));
        assertEquals("2.0", InspectionText.number(2));
        assertEquals("0.125", InspectionText.number(0.125));
        assertEquals("5.65685", InspectionText.number(16 / Math.sqrt(8)));
        assertEquals("1.00000e-07", InspectionText.number(1e-7));
    }

    @Test
    void shapesOfEachModuleKind() {
        assertEquals("2304x768", InspectionText.shape(ModuleSpec.linear("c_attn", 2304, 768, 8, DType.F32)));
        assertEquals(
                "320x64x3x3",
                InspectionText.shape(new ModuleSpec(
                        "conv", ModuleKind.CONV, 320, 64 * 9, 4, DType.F16, new long[] {3, 3}, false, false, false)));
        assertEquals(
                "768x50257 (embedding)",
                InspectionText.shape(new ModuleSpec(
                        "wte", ModuleKind.EMBEDDING, 768, 50257, 8, DType.F32, new long[0], false, false, false)));
    }
}
