package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void alignsLeftAndRightColumnsTwoSpacesApart() {
        String text = TextTable.of(TextTable.left("module"), TextTable.right("rank"), TextTable.left("note"))
                .row("q", "8", "")
                .row("layers.10.v_proj", "128", "DoRA")
                .render("  ");
        assertEquals("""
                  module            rank  note
                  q                    8
                  layers.10.v_proj   128  DoRA
                """, text);
    }

    @Test
    void rowsMustHaveOneCellPerColumn() {
        TextTable t = TextTable.of(TextTable.left("a"), TextTable.left("b"));
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
    }
}
