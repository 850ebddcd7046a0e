package org.loralgebra.io.kohya;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.ModuleSpool;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Writes a single-file kohya LoRA: {@code <module>.lora_down.weight} ({@code A}), {@code <module>.lora_up.weight}
 * ({@code B}) and the scalar {@code <module>.alpha = scale·r}, stored in the module's dtype when that holds it
 * exactly, else in F32, else in F64 ({@code alpha / r} then reads back as the scale, to within an ulp). Module names are written as
 * they are; the template's extra tensors and {@code __metadata__} are copied byte for byte.
 *
 * <p>The format has no embedding LoRA, no DoRA magnitude or LoRA bias with PEFT's meaning, and no
 * {@code fan_in_fan_out} flag: such modules are refused (save them as a PEFT folder). Modules of rank 0 or scale 0
 * are left out: their update is zero, and an alpha of 0 would read back as {@code alpha = r}.
 */
public final class KohyaFileWriter implements AdapterSink {
    private final ModuleSpool spool;
    private int written;

    private KohyaFileWriter(AdapterMeta template, Collection<Path> inputs) {
        this.spool = new ModuleSpool(template.fileMetadata(), template.extras(), inputs);
    }

    /** A writer carrying {@code template}'s extras and file metadata. */
    public static KohyaFileWriter create(AdapterMeta template) {
        return new KohyaFileWriter(template, List.of());
    }

    /** A writer carrying {@code template}'s extras and file metadata that refuses to commit over any of {@code inputs}. */
    public static KohyaFileWriter create(AdapterMeta template, Collection<Path> inputs) {
        return new KohyaFileWriter(template, inputs);
    }

    /**
     * Spools one module.
     *
     * @throws AdapterTypeException     when the module carries what the kohya format cannot hold
     * @throws IllegalArgumentException when it was already added or its tensors do not match its spec
     */
    @Override
    public synchronized void add(StoredModule module) {
        ModuleSpec spec = module.spec();
        spool.accept(module);
        String refusal = spec.kind() == ModuleKind.EMBEDDING
                ? "is an embedding LoRA"
                : spec.dora()
                        ? "carries a DoRA magnitude vector"
                        : spec.loraBias()
                                ? "carries a lora_B bias"
                                : spec.fanInFanOut() ? "updates a weight stored [in, out] (fan_in_fan_out)" : null;
        if (refusal != null) {
            throw new AdapterTypeException("module '" + spec.name() + "' " + refusal
                    + ", which the kohya format cannot " + "hold; save the adapter as a PEFT folder instead");
        }
        if (spec.rank() == 0 || module.scale() == 0) {
            return; // a zero update; and alpha 0 would read back as alpha = r
        }
        spool.put(KohyaKeys.key(spec.name(), KohyaKeys.Part.DOWN), module.a());
        spool.put(KohyaKeys.key(spec.name(), KohyaKeys.Part.UP), module.b());
        spool.put(
                KohyaKeys.key(spec.name(), KohyaKeys.Part.ALPHA),
                alphaTensor(module.scale() * spec.rank(), module.a().dtype()));
        written++;
    }

    /** {@code alpha} as a scalar in {@code preferred} if it holds the value exactly, else in F32 or F64. */
    static Tensor alphaTensor(double alpha, DType preferred) {
        for (DType d : List.of(preferred, DType.F32, DType.F64)) {
            if (d.isDecodable()) {
                Tensor t = Tensor.ofDoubles(d, new long[0], new double[] {alpha});
                if (t.toDoubleArray()[0] == alpha) {
                    return t;
                }
            }
        }
        return Tensor.ofDoubles(DType.F64, new long[0], new double[] {alpha});
    }

    /**
     * Writes the file atomically.
     *
     * @throws org.loralgebra.lang.AdapterFormatException when {@code file} is an input, a folder, or not named
     *                                                  {@code *.safetensors}
     */
    @Override
    public synchronized void commit(Path file) {
        spool.checkFileTarget(file, KohyaFile.SUFFIX);
        if (written == 0) {
            throw new IllegalStateException("no modules of rank > 0 were added: a kohya LoRA file needs at least one");
        }
        spool.writeTo(file);
    }

    @Override
    public synchronized void close() {
        spool.close();
    }
}
