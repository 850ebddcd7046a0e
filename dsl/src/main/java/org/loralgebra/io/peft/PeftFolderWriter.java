package org.loralgebra.io.peft;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.AtomicWrites;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.StoredModule;
import org.loralgebra.model.TensorRef;

/**
 * Writes a PEFT adapter folder ({@code adapter_model.safetensors} + {@code adapter_config.json}) module by
 * module, atomically on {@link #commit}.
 *
 * <p>The config is the template's when it already gives every written module its rank and scale (a load → save
 * round trip writes the same file). Otherwise {@code r} and {@code lora_alpha} become the most common rank and
 * alpha (alpha = scale·r, or scale·√r with rsLoRA), and {@code rank_pattern}/{@code alpha_pattern} name every
 * module that deviates, so that PEFT reloads exactly the written update. {@code target_modules} is kept when
 * it covers every written module, else replaced by the module names. Unknown keys, extra tensors and the file's
 * {@code __metadata__} are carried through.
 */
public final class PeftFolderWriter implements AdapterSink {
    private final AdapterMeta template;
    private final SafetensorsWriter weights;
    private final Map<String, Written> modules = new TreeMap<>(ModuleOrder.INSTANCE);

    private record Written(int rank, double scale, boolean dora) {
    }

    private PeftFolderWriter(AdapterMeta template) {
        this.template = template;
        this.weights = new SafetensorsWriter(template.fileMetadata());
    }

    /** A writer whose config, key prefix, extras and metadata come from {@code template}. */
    public static PeftFolderWriter create(AdapterMeta template) {
        return new PeftFolderWriter(template);
    }

    @Override
    public void add(StoredModule m) {
        String key = template.keyPrefix() + m.spec().name();
        boolean embedding = m.spec().kind() == ModuleKind.EMBEDDING;
        weights.add(PeftKeys.key(key, embedding ? PeftKeys.Part.EMBEDDING_A : PeftKeys.Part.A), m.a());
        weights.add(PeftKeys.key(key, embedding ? PeftKeys.Part.EMBEDDING_B : PeftKeys.Part.B), m.b());
        m.magnitude().ifPresent(t -> weights.add(PeftKeys.key(key, PeftKeys.Part.MAGNITUDE), t));
        m.loraBias().ifPresent(t -> weights.add(PeftKeys.key(key, PeftKeys.Part.BIAS), t));
        synchronized (modules) {
            modules.put(m.spec().name(), new Written(m.spec().rank(), m.scale(), m.magnitude().isPresent()));
        }
    }

    @Override
    public void commit(Path folder) {
        for (Map.Entry<String, TensorRef> e : template.extras().entrySet()) {
            weights.add(e.getKey(), e.getValue().read());
        }
        String config = config().toJson();
        AtomicWrites.writeFolder(folder, tmp -> {
            weights.commit(tmp.resolve(PeftFolder.WEIGHTS));
            Files.writeString(tmp.resolve(PeftFolder.CONFIG), config, StandardCharsets.UTF_8);
        });
    }

    @Override
    public void close() {
        weights.close();
    }

    /** The config that makes PEFT reload every written module with its rank and scale. */
    PeftConfig config() {
        PeftConfig t = template.config();
        boolean anyDora = modules.values().stream().anyMatch(Written::dora);
        boolean keep = t.useDora() == anyDora && modules.entrySet().stream().allMatch(e -> t.rankFor(e.getKey()) == e.getValue().rank()
                && close(t.scaleFor(e.getKey()), e.getValue().scale()));
        if (keep && coversAll(t.targetModules(), t.get("target_modules").map(n -> n.isTextual()).orElse(false))) {
            return t;
        }
        boolean rslora = t.useRslora();
        Map<String, Double> alphas = new TreeMap<>(ModuleOrder.INSTANCE);
        modules.forEach((n, w) -> alphas.put(n, rslora ? w.scale() * Math.sqrt(w.rank()) : w.scale() * w.rank()));
        int r = mostCommon(modules.values().stream().map(Written::rank).toList(), Comparator.naturalOrder());
        double alpha = mostCommon(alphas.values().stream().map(PeftFolderWriter::tidy).toList(), Comparator.naturalOrder());
        List<String> names = List.copyOf(modules.keySet());
        boolean keepTargets = coversAll(t.targetModules(), t.get("target_modules").map(n -> n.isTextual()).orElse(false));
        return t.with(n -> {
            n.put("r", r);
            PeftConfig.putNumber(n, "lora_alpha", alpha);
            var rp = n.putObject("rank_pattern");
            var ap = n.putObject("alpha_pattern");
            modules.forEach((name, w) -> {
                if (w.rank() != r) {
                    rp.put(name, w.rank());
                }
                double a = tidy(alphas.get(name));
                if (!close(a, alpha)) {
                    PeftConfig.putNumber(ap, name, a);
                }
            });
            n.put("use_dora", anyDora);
            if (!keepTargets) {
                var tm = n.putArray("target_modules");
                names.forEach(tm::add);
            }
        });
    }

    private boolean coversAll(List<String> targets, boolean regex) {
        if (targets.isEmpty()) {
            return false;
        }
        for (String name : modules.keySet()) {
            boolean hit = regex ? Pattern.compile(targets.get(0)).matcher(name).matches()
                    : targets.stream().anyMatch(t -> name.equals(t) || name.endsWith("." + t));
            if (!hit) {
                return false;
            }
        }
        return true;
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    }

    /** Rounds away float noise (16.000000000000004 → 16) so configs read as people write them. */
    private static double tidy(double x) {
        double r = Math.rint(x);
        if (Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x))) {
            return r;
        }
        return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.12g", x));
    }

    private static <T> T mostCommon(List<T> values, Comparator<T> tieBreak) {
        Map<T, Integer> counts = new HashMap<>();
        values.forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts.entrySet().stream()
                .max(Comparator.<Map.Entry<T, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(Map.Entry::getKey, tieBreak.reversed()))
                .orElseThrow(() -> new IllegalStateException("no modules written")).getKey();
    }

}
