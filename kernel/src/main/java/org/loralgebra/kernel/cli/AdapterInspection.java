package org.loralgebra.kernel.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.FactorSource;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;

/**
 * What {@code lora inspect} reports about an adapter on disk: where it is, its modules with alpha and scale, the extra
 * tensors it carries, its LoRA parameter count and the bytes of the files it was read from. Built from headers and
 * config alone.
 *
 * @param format  what a save writes ({@link #savesAs()})
 * @param files   the files the adapter was read from (weights, and the config when there is one)
 * @param bytes   the total size of {@code files}
 * @param source  the format the adapter was read from
 */
public record AdapterInspection(
        String label,
        AdapterFormat format,
        Path path,
        Optional<String> baseModel,
        List<Module> modules,
        List<ExtraTensor> extras,
        List<Path> files,
        long bytes,
        SourceFormat source) {
    /**
     * One module: its type (its rank is that of the exact LoRA form a save writes), its {@code lora_alpha}, the scale of
     * its update ({@code alpha/r}, or {@code alpha/√r}), and how the source format stores it.
     */
    public record Module(ModuleSpec spec, double alpha, double scale, Optional<Source> source) {
        /** Trainable LoRA parameters: {@code r·(out + in)} for the factors, plus {@code out} each for a DoRA magnitude
         *  vector and a LoRA bias. */
        public long parameterCount() {
            return spec.parameterCount() + (spec.dora() ? spec.out() : 0) + (spec.loraBias() ? spec.out() : 0);
        }
    }

    /**
     * How a module is stored in its source format: the form ({@code lora}, {@code loha}, {@code lokr}, {@code adalora},
     * {@code vera}, {@code locon_tucker}), the form's own rank parameter, its stored tensors by key with their shapes,
     * and a one-line description.
     */
    public record Source(String form, int rank, Map<String, List<Long>> tensors, String summary) {
        public Source {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        }

        /** Whether the module is stored as something other than plain LoRA factors. */
        public boolean computed() {
            return !form.equals("lora");
        }

        static Source of(FactorSource f) {
            Map<String, List<Long>> tensors = new LinkedHashMap<>();
            for (TensorInfo t : f.tensors()) {
                tensors.put(t.name(), Arrays.stream(t.shape()).boxed().toList());
            }
            return new Source(f.form(), f.sourceRank(), tensors, f.summary());
        }
    }

    /** A tensor that is not part of a LoRA module (a head saved through {@code modules_to_save}), by its full key. */
    public record ExtraTensor(String name, DType dtype, List<Long> shape) {
        public ExtraTensor {
            shape = List.copyOf(shape);
        }
    }

    public AdapterInspection {
        modules = List.copyOf(modules);
        extras = List.copyOf(extras);
        files = List.copyOf(files);
    }

    /** Inspects an opened adapter (reads file sizes, no tensors). */
    public static AdapterInspection of(AdapterSource source) {
        PeftConfig config = source.meta().config();
        List<Module> modules = new ArrayList<>();
        StoredAdapter stored = source instanceof StoredAdapter s ? s : null;
        for (ModuleSpec m : source.type().modules().values()) {
            double scale = source.scale(m.name()).orElseGet(() -> config.scaleFor(m.name()));
            Optional<Source> form = stored == null
                    ? Optional.empty()
                    : Optional.ofNullable(stored.moduleTensors().get(m.name())).map(t -> Source.of(t.factors()));
            modules.add(new Module(m, config.alphaFor(m.name()), scale, form));
        }
        List<ExtraTensor> extras = new ArrayList<>();
        source.meta().extras().forEach((name, ref) -> extras.add(extra(name, ref)));
        Path path = source.location()
                .map(p -> p.toAbsolutePath().normalize())
                .orElseThrow(() -> new IllegalArgumentException("adapter '" + source.label() + "' is not on disk"));
        List<Path> files = filesOf(source, path);
        long bytes = 0;
        for (Path f : files) {
            bytes += size(f);
        }
        SourceFormat format = stored != null
                ? stored.format()
                : new SourceFormat(
                        source.meta().format().name().toLowerCase(Locale.ROOT),
                        source.meta().format().name());
        return new AdapterInspection(
                source.label(),
                source.meta().format(),
                path,
                source.type().baseModel(),
                modules,
                extras,
                files,
                bytes,
                format);
    }

    /** Whether some module is stored in a form other than plain LoRA factors (read into its exact LoRA form). */
    public boolean computed() {
        return modules.stream()
                .anyMatch(m -> m.source().filter(Source::computed).isPresent());
    }

    /** What {@code save} writes from this adapter, in words. */
    public String savesAs() {
        String what = switch (format) {
            case PEFT -> "a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)";
            case KOHYA -> "a kohya LoRA file (lora_down / lora_up / alpha)";
            case DIFFUSERS -> "a diffusers LoRA file (lora_A / lora_B, the config in lora_adapter_metadata)";
        };
        return computed() ? what + ": plain LoRA factors at the exact ranks shown" : what;
    }

    /** Total trainable LoRA parameters over all modules (extra tensors not counted). */
    public long parameters() {
        return modules.stream().mapToLong(Module::parameterCount).sum();
    }

    /** Whether any module's base weight is stored {@code [in, out]} (GPT-2's Conv1D; PEFT's {@code fan_in_fan_out}). */
    public boolean fanInFanOut() {
        return modules.stream().anyMatch(m -> m.spec().fanInFanOut());
    }

    private static ExtraTensor extra(String name, TensorRef ref) {
        return new ExtraTensor(
                name, ref.dtype(), Arrays.stream(ref.shape()).boxed().toList());
    }

    private static List<Path> filesOf(AdapterSource source, Path location) {
        List<Path> files = new ArrayList<>();
        if (source instanceof StoredAdapter stored) {
            files.add(stored.file().path().toAbsolutePath().normalize());
        } else if (Files.isRegularFile(location)) {
            files.add(location);
        } else if (Files.isRegularFile(location.resolve(PeftFolder.WEIGHTS))) {
            files.add(location.resolve(PeftFolder.WEIGHTS));
        }
        if (Files.isDirectory(location) && Files.isRegularFile(location.resolve(PeftFolder.CONFIG))) {
            files.add(location.resolve(PeftFolder.CONFIG));
        }
        return files;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file + ": " + ExecutionErrors.describe(e), e);
        }
    }
}
