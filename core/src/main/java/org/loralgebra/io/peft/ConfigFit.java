package org.loralgebra.io.peft;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.lang.ModulePattern;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;

/**
 * The {@code adapter_config.json} to save with a set of modules: a template config, kept as it is when it
 * already gives every module its rank and scale, or else refitted.
 *
 * <p>Refitting keeps every key of the template (unknown ones included) and sets: {@code r} to the most common
 * rank and {@code lora_alpha} to the most common alpha ({@code alpha = scale·r}, or {@code scale·√r} with
 * {@code use_rslora}; ties go to the smaller value); {@code rank_pattern} / {@code alpha_pattern} to one entry,
 * keyed by the full module name, for each module that deviates; {@code target_modules} to
 * {@link #targetModules the canonical list} (and {@code layers_to_transform}, {@code layers_pattern},
 * {@code exclude_modules} to null, the list being exact by itself); {@code use_dora}, {@code lora_bias} and
 * {@code fan_in_fan_out} to what the modules carry.
 *
 * <p>A written config selects exactly the written modules under PEFT's rule (a list entry selects a module whose
 * name equals it or ends with {@code "." + entry}): checked against decoys, the names PEFT would also see in the
 * base model that must not be selected, which are the written modules' ancestors ({@code down_blocks.0} for
 * {@code down_blocks.0.attentions.0.to_out.0}: a bare {@code "0"} would select it) and the modules of the inputs
 * that are not written. Nothing in a refitted config depends on the order of the inputs.
 */
public final class ConfigFit {
    /** One module to be written, with the scale of its update {@code ΔW = scale·B·A}. */
    public record Module(ModuleSpec spec, double scale) {
        /** The module's name. */
        public String name() {
            return spec.name();
        }
    }

    private ConfigFit() {}

    /**
     * The config that gives each of {@code modules} its rank and scale: {@code template} itself when it already
     * does (and agrees with the modules on DoRA, LoRA bias, fan-in-fan-out and target modules), else a refit.
     *
     * @throws IllegalArgumentException when {@code modules} is empty
     * @throws AdapterTypeException when the modules cannot share one config: some with DoRA magnitudes and some
     *                              without, or linear modules with both base layouts ({@code fan_in_fan_out})
     */
    public static PeftConfig fit(PeftConfig template, Collection<Module> modules) {
        return fit(template, modules, List.of());
    }

    /**
     * {@link #fit(PeftConfig, Collection)} where {@code otherModules} are modules known to exist in the base model
     * that are not written (the inputs' other modules): the config must not select them.
     */
    public static PeftConfig fit(PeftConfig template, Collection<Module> modules, Collection<String> otherModules) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("no modules to fit an adapter config to");
        }
        Flags flags = Flags.of(modules);
        for (Module m : modules) {
            template.modulesToSaveEntryHolding(m.name()).ifPresent(head -> {
                throw new AdapterTypeException("cannot save LoRA module '" + m.name() + "' in a PEFT adapter whose "
                        + "modules_to_save holds '" + head
                        + "' (from the input's adapter_config.json): PEFT trains and "
                        + "saves a module inside a modules_to_save entry whole and puts no LoRA in it, so the saved "
                        + "config could not select this module");
            });
        }
        Set<String> written = new TreeSet<>();
        modules.forEach(m -> written.add(m.name()));
        Set<String> decoys = decoys(written, otherModules);
        if (resolves(template, modules) && flags.agreeWith(template) && selectsExactly(template, written, decoys)) {
            return template;
        }
        boolean rslora = template.useRslora();
        int r = mostCommon(modules, m -> m.spec().rank());
        double alpha = mostCommon(modules, m -> alphaOf(m, rslora));
        Map<String, Integer> rankPattern = new TreeMap<>();
        Map<String, Double> alphaPattern = new TreeMap<>();
        for (Module m : modules) {
            if (m.spec().rank() != r) {
                rankPattern.put(patternKey(m.name(), modules), m.spec().rank());
            }
            double a = alphaOf(m, rslora);
            if (Double.compare(a, alpha) != 0) {
                alphaPattern.put(patternKey(m.name(), modules), a);
            }
        }
        List<String> targets = targetModules(written, decoys);
        PeftConfig fitted = template.with(n -> {
            n.put("peft_type", "LORA");
            n.put("r", r);
            PeftConfig.putNumber(n, "lora_alpha", alpha);
            ObjectNode rp = n.putObject("rank_pattern");
            rankPattern.forEach(rp::put);
            ObjectNode ap = n.putObject("alpha_pattern");
            alphaPattern.forEach((k, v) -> PeftConfig.putNumber(ap, k, v));
            ArrayNode list = n.putArray("target_modules");
            targets.forEach(list::add);
            for (String key : List.of("layers_to_transform", "layers_pattern", "exclude_modules")) {
                if (n.hasNonNull(key)) {
                    n.putNull(key);
                }
            }
            flags.applyTo(n, template);
        });
        List<String> unresolved = unresolved(fitted, modules);
        if (!unresolved.isEmpty()) {
            throw new IllegalStateException("the refitted adapter config does not give these modules their rank and "
                    + "scale (their names overlap as PEFT patterns): " + unresolved);
        }
        if (!selectsExactly(fitted, written, decoys)) {
            throw new IllegalStateException(
                    "the refitted target_modules " + targets + " do not select exactly the written "
                            + "modules under PEFT's matching (a module name is a suffix of another's)");
        }
        return fitted;
    }

    /**
     * The canonical {@code target_modules} for {@code written}: for each module the shortest run of its last name
     * segments that starts with a segment that is not a number (a bare list index such as {@code "0"} would select
     * every {@code ….0} of the base model) and selects none of {@code decoys}; the full name where no shorter run
     * does. Sorted, without repeats: the same set of modules gives the same list.
     */
    public static List<String> targetModules(Collection<String> written, Collection<String> decoys) {
        TreeSet<String> out = new TreeSet<>();
        for (String name : written) {
            String[] segments = name.split("\\.", -1);
            String chosen = name;
            for (int k = 1; k < segments.length; k++) {
                String first = segments[segments.length - k];
                if (first.isEmpty() || first.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String suffix = String.join(".", Arrays.copyOfRange(segments, segments.length - k, segments.length));
                if (decoys.stream().noneMatch(d -> selects(suffix, d))) {
                    chosen = suffix;
                    break;
                }
            }
            out.add(chosen);
        }
        return List.copyOf(out);
    }

    /** PEFT's rule for a {@code target_modules} list entry: the name equals it or ends with {@code "." + entry}. */
    static boolean selects(String entry, String name) {
        return name.equals(entry) || name.endsWith("." + entry);
    }

    /** The names PEFT must not select: the ancestors of the written modules and the other known modules. */
    static Set<String> decoys(Collection<String> written, Collection<String> others) {
        Set<String> out = new TreeSet<>(others);
        for (String name : written) {
            for (int i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) {
                out.add(name.substring(0, i));
            }
        }
        out.removeAll(written);
        return out;
    }

    /** Whether {@code config} targets every written module and none of the decoys. */
    static boolean selectsExactly(PeftConfig config, Collection<String> written, Collection<String> decoys) {
        return written.stream().allMatch(config::targets) && decoys.stream().noneMatch(config::targets);
    }

    /** Whether {@code config} gives every module its rank exactly and its scale to within 2 ulps. */
    public static boolean resolves(PeftConfig config, Collection<Module> modules) {
        return unresolved(config, modules).isEmpty();
    }

    private static List<String> unresolved(PeftConfig config, Collection<Module> modules) {
        List<String> out = new ArrayList<>();
        for (Module m : modules) {
            int rank = config.rankFor(m.name());
            double scale = config.scaleFor(m.name());
            if (rank != m.spec().rank() || !close(scale, m.scale())) {
                out.add(m.name() + " (rank " + m.spec().rank() + ", scale " + m.scale() + "; the config gives rank "
                        + rank + ", scale " + scale + ")");
            }
        }
        return out;
    }

    private static boolean close(double a, double b) {
        return a == b || Math.abs(a - b) <= 2 * Math.ulp(Math.max(Math.abs(a), Math.abs(b)));
    }

    /**
     * The alpha that gives {@code m} its scale: {@code scale·r} (or {@code scale·√r}), replaced by the nearest
     * integer when that gives exactly the same scale (so {@code 16}, not {@code 15.999999999999998}). For about one
     * scale in ten no double alpha divides back to it exactly; {@code alpha / r} then differs from it by an ulp.
     */
    static double alphaOf(Module m, boolean rslora) {
        int r = m.spec().rank();
        double alpha = rslora ? m.scale() * Math.sqrt(r) : m.scale() * r;
        double integer = Math.rint(alpha);
        return PeftConfig.scale(integer, r, rslora) == m.scale() ? integer : alpha;
    }

    private static <T extends Comparable<T>> T mostCommon(Collection<Module> modules, Function<Module, T> value) {
        Map<T, Integer> counts = new LinkedHashMap<>();
        modules.forEach(m -> counts.merge(value.apply(m), 1, Integer::sum));
        return counts.entrySet().stream()
                .max(Comparator.comparing((Map.Entry<T, Integer> e) -> e.getValue())
                        .thenComparing(Map.Entry::getKey, Comparator.<T>reverseOrder()))
                .map(Map.Entry::getKey)
                .orElseThrow();
    }

    /**
     * The {@code rank_pattern} / {@code alpha_pattern} key for {@code name}: the name itself, as PEFT writes it,
     * unless read as a regex it would also match another module (or is no valid regex); then the name with its
     * regex metacharacters escaped.
     */
    static String patternKey(String name, Collection<Module> modules) {
        try {
            ModulePattern p = ModulePattern.patternKey(name);
            boolean clean =
                    p.matches(name) && modules.stream().noneMatch(m -> !m.name().equals(name) && p.matches(m.name()));
            if (clean) {
                return name;
            }
        } catch (ModulePattern.InvalidPattern e) {
            // escaped below
        }
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (".^$*+?{}[]\\|()".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** The per-adapter switches PEFT keeps in the config, as the modules need them. */
    private record Flags(boolean dora, boolean loraBias, Boolean fanInFanOut) {
        static Flags of(Collection<Module> modules) {
            List<String> dora = modules.stream()
                    .filter(m -> m.spec().dora())
                    .map(Module::name)
                    .toList();
            if (!dora.isEmpty() && dora.size() != modules.size()) {
                String plain = modules.stream()
                        .filter(m -> !m.spec().dora())
                        .map(Module::name)
                        .findFirst()
                        .orElseThrow();
                throw new AdapterTypeException("cannot save modules with DoRA magnitudes (such as '" + dora.get(0)
                        + "') together with plain LoRA modules (such as '" + plain + "') in one PEFT adapter: "
                        + "use_dora applies to all modules. Select one kind, or drop the magnitudes");
            }
            boolean bias = modules.stream().anyMatch(m -> m.spec().loraBias());
            List<Module> linear = modules.stream()
                    .filter(m -> m.spec().kind() == ModuleKind.LINEAR)
                    .toList();
            Boolean fifo = null;
            if (!linear.isEmpty()) {
                fifo = linear.get(0).spec().fanInFanOut();
                for (Module m : linear) {
                    if (m.spec().fanInFanOut() != fifo) {
                        throw new AdapterTypeException(
                                "cannot save module '" + linear.get(0).name() + "' (fan_in_fan_out "
                                        + fifo + ") together with '" + m.name() + "' (fan_in_fan_out "
                                        + m.spec().fanInFanOut()
                                        + ") in one PEFT adapter: fan_in_fan_out applies to all modules");
                    }
                }
            }
            return new Flags(!dora.isEmpty(), bias, fifo);
        }

        boolean agreeWith(PeftConfig c) {
            return c.useDora() == dora
                    && c.loraBias() == loraBias
                    && (fanInFanOut == null || c.fanInFanOut() == fanInFanOut);
        }

        void applyTo(ObjectNode n, PeftConfig template) {
            if (template.useDora() != dora) {
                n.put("use_dora", dora);
            }
            if (template.loraBias() != loraBias) {
                n.put("lora_bias", loraBias);
            }
            if (fanInFanOut != null && template.fanInFanOut() != fanInFanOut) {
                n.put("fan_in_fan_out", fanInFanOut);
            }
        }
    }
}
