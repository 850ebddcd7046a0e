package org.loralgebra.io;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleMapSource;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * An adapter on disk whose header and config have been read and checked, and whose tensors are read one
 * module at a time when asked for. A module's tensors are scanned as their bytes are read, which is when a result
 * is computed from them: a NaN or infinity in any of them, or a factor element of magnitude at least
 * {@link Tensor#LARGE} (2⁶⁴: its products overflow F32), is an {@link AdapterFormatException} naming the file,
 * tensor, module, flat index and value. Extra tensors (heads) are refused the same way when read, for any
 * non-finite value. Headers alone (what {@code inspect} reads) never touch the values.
 */
public final class StoredAdapter extends ModuleMapSource<StoredAdapter.ModuleTensors> {
    /**
     * Where one module's tensors are in the file, with its scale: its factors (stored, or computed from several
     * stored tensors when read), and the optional DoRA magnitude and LoRA bias.
     */
    public record ModuleTensors(
            ModuleSpec spec,
            double scale,
            FactorSource factors,
            Optional<TensorInfo> magnitude,
            Optional<TensorInfo> bias) {
        /** A plain LoRA module whose {@code A} and {@code B} are stored as they are. */
        public ModuleTensors(
                ModuleSpec spec,
                double scale,
                TensorInfo a,
                TensorInfo b,
                Optional<TensorInfo> magnitude,
                Optional<TensorInfo> bias) {
            this(spec, scale, new FactorSource.Stored(a, b), magnitude, bias);
        }

        /** A module without DoRA magnitude or LoRA bias whose factors come from {@code factors}. */
        public static ModuleTensors of(ModuleSpec spec, double scale, FactorSource factors) {
            return new ModuleTensors(spec, scale, factors, Optional.empty(), Optional.empty());
        }
    }

    private final SourceFormat format;
    private final SafetensorsFile file;

    private StoredAdapter(
            String label,
            SourceFormat format,
            Path location,
            SafetensorsFile file,
            AdapterType type,
            AdapterMeta meta,
            Map<String, ModuleTensors> modules) {
        super(label, Optional.of(location), type, meta, modules, ModuleTensors::scale);
        this.format = format;
        this.file = file;
    }

    /** An adapter read from {@code location} in {@code format}, whose weights are in {@code file}. */
    public static StoredAdapter of(
            String label,
            SourceFormat format,
            Path location,
            SafetensorsFile file,
            AdapterType type,
            AdapterMeta meta,
            Map<String, ModuleTensors> modules) {
        return new StoredAdapter(label, format, location, file, type, meta, modules);
    }

    /** The format the adapter was read from (what it was; {@code meta().format()} is what a save writes). */
    public SourceFormat format() {
        return format;
    }

    /** The safetensors file holding the weights. */
    public SafetensorsFile file() {
        return file;
    }

    /** Where each module's tensors are. */
    public Map<String, ModuleTensors> moduleTensors() {
        return modules();
    }

    /** The module's tensors, read from the file and scanned as their bytes arrive (see the class comment). */
    @Override
    protected StoredModule read(String module, ModuleTensors t) {
        Tensor a;
        Tensor b;
        if (t.factors() instanceof FactorSource.Stored stored) {
            a = checked(stored.a(), module, true);
            b = checked(stored.b(), module, true);
        } else {
            FactorSource.Factors f = ((FactorSource.Computed) t.factors()).compute(info -> checked(info, module, true));
            a = f.a().reshape(ModuleShapes.a(t.spec()));
            b = f.b().reshape(ModuleShapes.b(t.spec()));
        }
        return new StoredModule(
                t.spec(),
                a,
                b,
                t.scale(),
                t.magnitude().map(i -> checked(i, module, false)),
                t.bias().map(i -> checked(i, module, false)));
    }

    /** The tensor, scanned as its bytes are read: a refused value throws, naming it. */
    private Tensor checked(TensorInfo info, String module, boolean factor) {
        return file.read(
                info,
                (tensor, index, value) -> {
                    throw refusedValue(file, tensor, "module '" + module + "'", index, value);
                },
                factor);
    }

    /** The error for a refused value: non-finite, or finite and at least {@link Tensor#LARGE}. */
    static AdapterFormatException refusedValue(
            SafetensorsFile file, TensorInfo tensor, String role, long index, double value) {
        boolean large = Double.isFinite(value);
        return AdapterFormatException.tensor(
                file.path(),
                tensor.name(),
                (large
                        ? "values of magnitude below 2^64 ≈ 1.8e19 (" + role
                                + "; the product of two larger ones overflows " + "the F32 computation)"
                        : "finite values (" + role + ")"),
                value + " at flat index " + index + " (shape " + tensor.shapeString() + ")");
    }

    /**
     * A lazily read tensor of this adapter's file; a NaN or infinity in it is refused when it is read, naming the
     * file, tensor, index and value.
     */
    public static TensorRef ref(SafetensorsFile file, TensorInfo info) {
        return new TensorRef() {
            @Override
            public DType dtype() {
                return info.dtype();
            }

            @Override
            public long[] shape() {
                return info.shape();
            }

            @Override
            public Tensor read() {
                return file.read(info, (tensor, index, value) -> {
                    throw refusedValue(
                            file,
                            tensor,
                            "an extra tensor, such as a head saved through modules_to_save",
                            index,
                            value);
                });
            }

            @Override
            public String toString() {
                return info.toString();
            }
        };
    }

    @Override
    public String toString() {
        return label() + " (" + location().orElseThrow() + ", "
                + type().modules().size() + " modules)";
    }
}
