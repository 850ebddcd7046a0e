package org.loralgebra;

import java.util.List;
import java.util.Locale;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.StoredSource;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.ModuleSpec;

/**
 * What an adapter is, module by module, without computing anything: name, shape, rank, scale (known for loaded
 * adapters; NaN for computed ones until evaluated), dtype. Printed as a text table and as HTML (notebooks).
 */
public record AdapterSummary(String label, String baseModel, List<Row> rows) {
    /** One module. */
    public record Row(String module, String shape, int rank, double scale, String dtype, boolean dora) {}

    public AdapterSummary {
        rows = List.copyOf(rows);
    }

    /** The summary of an adapter expression. */
    public static AdapterSummary of(Adapter adapter) {
        AdapterSource source = sourceOf(adapter.node());
        List<Row> rows = adapter.type().modules().values().stream()
                .map(m -> row(m, source))
                .toList();
        return new AdapterSummary(adapter.label(), adapter.type().baseModel().orElse(""), rows);
    }

    private static Row row(ModuleSpec m, AdapterSource source) {
        double scale = source == null ? Double.NaN : source.scale(m.name()).orElse(Double.NaN);
        return new Row(m.name(), m.shapeString(), m.rank(), scale, m.dtype().name(), m.dora());
    }

    /** The source a node reads, when it only selects or renames what one source holds; else null (scales unknown). */
    private static AdapterSource sourceOf(Node n) {
        return n.accept(new StoredSource()).orElse(null);
    }

    /** An aligned text table. */
    public String toText() {
        int w = Math.max(
                6, rows.stream().mapToInt(r -> r.module().length()).max().orElse(6));
        StringBuilder sb = new StringBuilder();
        sb.append(label)
                .append(baseModel.isEmpty() ? "" : " (base " + baseModel + ")")
                .append(", ")
                .append(rows.size())
                .append(" modules\n");
        sb.append(String.format(
                Locale.ROOT, "%-" + w + "s  %-14s %5s %8s  %s%n", "module", "shape", "rank", "scale", "dtype"));
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-" + w + "s  %-14s %5d %8s  %s%s%n",
                    r.module(),
                    r.shape(),
                    r.rank(),
                    Double.isNaN(r.scale()) ? "—" : fmt(r.scale()),
                    r.dtype(),
                    r.dora() ? "  DoRA" : ""));
        }
        return sb.toString();
    }

    /** An HTML table (escaped), for notebooks. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder("<div class=\"loralgebra-adapter\"><b>")
                .append(esc(label))
                .append("</b>");
        if (!baseModel.isEmpty()) {
            sb.append(" <span>base ").append(esc(baseModel)).append("</span>");
        }
        sb.append(" <span>").append(rows.size()).append(" modules</span>");
        sb.append(
                "<table><thead><tr><th>module</th><th>shape</th><th>rank</th><th>scale</th><th>dtype</th></tr></thead><tbody>");
        for (Row r : rows) {
            sb.append("<tr><td>")
                    .append(esc(r.module()))
                    .append("</td><td>")
                    .append(esc(r.shape()))
                    .append("</td><td>")
                    .append(r.rank())
                    .append("</td><td>")
                    .append(Double.isNaN(r.scale()) ? "—" : fmt(r.scale()))
                    .append("</td><td>")
                    .append(r.dtype())
                    .append(r.dora() ? " (DoRA)" : "")
                    .append("</td></tr>");
        }
        return sb.append("</tbody></table></div>").toString();
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? String.format(Locale.ROOT, "%.1f", x) : String.format(Locale.ROOT, "%.4g", x);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public String toString() {
        return toText();
    }
}
