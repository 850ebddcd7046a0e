package org.loralgebra.kernel.cli;

import java.util.Locale;
import java.util.stream.Collectors;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;

/** {@code lora inspect} for people: a header, the module table, the extra tensors and the totals. */
final class InspectionText {
    private InspectionText() {}

    static String render(AdapterInspection in) {
        StringBuilder sb = new StringBuilder();
        sb.append(in.label()).append(": ").append(in.source().title()).append('\n');
        TextTable header = TextTable.of(TextTable.left(""), TextTable.left(""))
                .row("path", in.path().toString())
                .row("base model", in.baseModel().orElse("unknown"));
        if (in.fanInFanOut()) {
            header.row("layout", "fan_in_fan_out: the base model stores these weights as [in, out]");
        }
        if (in.computed()) {
            header.row("read as", "exact LoRA factors: rank is the rank of B·A, source the stored form");
        }
        header.row("saves as", in.savesAs());
        // the two-column table without its (empty) header line
        sb.append(header.render("  ").lines().skip(1).map(l -> l + "\n").collect(Collectors.joining()));

        sb.append('\n').append("modules (").append(in.modules().size()).append(")\n");
        boolean computed = in.computed();
        TextTable modules = computed
                ? TextTable.of(
                        TextTable.left("module"),
                        TextTable.right("out x in"),
                        TextTable.right("rank"),
                        TextTable.right("alpha"),
                        TextTable.right("scale"),
                        TextTable.left("dtype"),
                        TextTable.left("DoRA"),
                        TextTable.left("source"))
                : TextTable.of(
                        TextTable.left("module"),
                        TextTable.right("out x in"),
                        TextTable.right("rank"),
                        TextTable.right("alpha"),
                        TextTable.right("scale"),
                        TextTable.left("dtype"),
                        TextTable.left("DoRA"));
        for (AdapterInspection.Module m : in.modules()) {
            ModuleSpec s = m.spec();
            if (computed) {
                modules.row(
                        s.name(),
                        shape(s),
                        Integer.toString(s.rank()),
                        number(m.alpha()),
                        number(m.scale()),
                        s.dtype().name(),
                        s.dora() ? "yes" : "no",
                        m.source().map(AdapterInspection.Source::summary).orElse(""));
            } else {
                modules.row(
                        s.name(),
                        shape(s),
                        Integer.toString(s.rank()),
                        number(m.alpha()),
                        number(m.scale()),
                        s.dtype().name(),
                        s.dora() ? "yes" : "no");
            }
        }
        sb.append(modules.render("  "));

        sb.append('\n').append("extra tensors (").append(in.extras().size()).append(")\n");
        if (in.extras().isEmpty()) {
            sb.append("  none\n");
        } else {
            TextTable extras = TextTable.of(TextTable.left("name"), TextTable.left("dtype"), TextTable.left("shape"));
            for (AdapterInspection.ExtraTensor e : in.extras()) {
                extras.row(e.name(), e.dtype().name(), e.shape().toString());
            }
            sb.append(extras.render("  "));
        }

        sb.append('\n')
                .append(String.format(
                        Locale.ROOT,
                        "total: %d modules, %,d LoRA parameters, %,d bytes on disk (%s)%n",
                        in.modules().size(),
                        in.parameters(),
                        in.bytes(),
                        binarySize(in.bytes())));
        return sb.toString();
    }

    /** {@code out x in}; a convolution as {@code out x in_channels x kh x kw}; an embedding marked as such. */
    static String shape(ModuleSpec s) {
        if (s.kind() == ModuleKind.CONV) {
            long[] k = s.kernel();
            long inChannels = s.in() / (k[0] * k[1]);
            return s.out() + "x" + inChannels + "x" + k[0] + "x" + k[1];
        }
        return s.out() + "x" + s.in() + (s.kind() == ModuleKind.EMBEDDING ? " (embedding)" : "");
    }

    /** 16 as {@code 16.0}, 0.125 as {@code 0.125}; up to six significant digits. */
    static String number(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        String s = String.format(Locale.ROOT, "%.6g", x);
        return s.contains("e") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String binarySize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
