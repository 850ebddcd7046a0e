package org.loralgebra.kernel.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A plain-text table with aligned columns (two spaces apart), for terminal output. Columns are left- or
 * right-aligned; every row has one cell per column.
 *
 * <pre>{@code TextTable.of(TextTable.left("module"), TextTable.right("rank")).row("q_proj", "8").render("  ")}</pre>
 */
final class TextTable {
    /** A column: its header and whether its cells are right-aligned (numbers). */
    record Column(String header, boolean rightAligned) {}

    private final List<Column> columns;
    private final List<List<String>> rows = new ArrayList<>();

    private TextTable(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    static TextTable of(Column... columns) {
        return new TextTable(List.of(columns));
    }

    static Column left(String header) {
        return new Column(header, false);
    }

    static Column right(String header) {
        return new Column(header, true);
    }

    /** Adds a row (one cell per column). */
    TextTable row(String... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("a row of " + columns.size() + " cells expected, got " + cells.length);
        }
        rows.add(List.of(cells));
        return this;
    }

    /** The header and rows, each line starting with {@code indent}, without trailing spaces. */
    String render(String indent) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).header().length();
            for (List<String> r : rows) {
                widths[c] = Math.max(widths[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, indent, widths, columns.stream().map(Column::header).toList());
        for (List<String> r : rows) {
            line(sb, indent, widths, r);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String indent, int[] widths, List<String> cells) {
        StringBuilder line = new StringBuilder(indent);
        for (int c = 0; c < widths.length; c++) {
            String cell = cells.get(c);
            String pad = String.join("", Collections.nCopies(widths[c] - cell.length(), " "));
            if (c > 0) {
                line.append("  ");
            }
            line.append(columns.get(c).rightAligned() ? pad + cell : cell + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
