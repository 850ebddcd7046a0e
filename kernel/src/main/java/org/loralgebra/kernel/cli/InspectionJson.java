package org.loralgebra.kernel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * {@code lora inspect --json}: one JSON object, keys always in this order:
 * {@code label, format, path, base_model, modules {NAME: {kind, out, in, rank, alpha, scale, dtype, dora,
 * fan_in_fan_out[, kernel], source_form, source_rank, source_tensors {KEY: shape}, source_summary}},
 * extra_tensors [{name, dtype, shape}], files, module_count, parameters, bytes, source_format, saves_as}.
 * {@code format} is what a save writes ({@code peft}, {@code kohya}, {@code diffusers}); {@code source_format} what the
 * adapter was read from; a module's {@code rank} is that of its exact LoRA form, {@code source_rank} the stored form's
 * own rank parameter. Modules are in module order (layers numerically); non-ASCII characters are escaped.
 */
final class InspectionJson {
    private InspectionJson() {}

    static String render(AdapterInspection in) {
        ObjectNode root = ReportJson.object();
        root.put("label", in.label());
        root.put("format", in.format().name().toLowerCase(Locale.ROOT));
        root.put("path", in.path().toString());
        root.put("base_model", in.baseModel().orElse(null));
        ObjectNode modules = root.putObject("modules");
        for (AdapterInspection.Module m : in.modules()) {
            ModuleSpec s = m.spec();
            ObjectNode o = modules.putObject(s.name());
            o.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
            o.put("out", s.out());
            o.put("in", s.in());
            o.put("rank", s.rank());
            o.put("alpha", m.alpha());
            o.put("scale", m.scale());
            o.put("dtype", s.dtype().name());
            o.put("dora", s.dora());
            o.put("fan_in_fan_out", s.fanInFanOut());
            if (s.kind() == ModuleKind.CONV) {
                ArrayNode kernel = o.putArray("kernel");
                for (long k : s.kernel()) {
                    kernel.add(k);
                }
            }
            m.source().ifPresent(src -> {
                o.put("source_form", src.form());
                o.put("source_rank", src.rank());
                ObjectNode tensors = o.putObject("source_tensors");
                src.tensors().forEach((key, shape) -> {
                    ArrayNode dims = tensors.putArray(key);
                    shape.forEach(dims::add);
                });
                o.put("source_summary", src.summary());
            });
        }
        ArrayNode extras = root.putArray("extra_tensors");
        for (AdapterInspection.ExtraTensor e : in.extras()) {
            ObjectNode o = extras.addObject();
            o.put("name", e.name());
            o.put("dtype", e.dtype().name());
            ArrayNode shape = o.putArray("shape");
            e.shape().forEach(shape::add);
        }
        ArrayNode files = root.putArray("files");
        for (Path f : in.files()) {
            files.add(f.toString());
        }
        root.put("module_count", in.modules().size());
        root.put("parameters", in.parameters());
        root.put("bytes", in.bytes());
        root.put("source_format", in.source().id());
        root.put("saves_as", in.savesAs());
        return ReportJson.asciiLine(root);
    }
}
