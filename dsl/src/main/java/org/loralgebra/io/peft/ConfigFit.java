package org.loralgebra.io.peft;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModulePattern;
import org.loralgebra.model.ModuleSpec;

/**
 * The {@code adapter_config.json} to save with a set of modules: a template config, kept as it is when it
 * already gives every module its rank and scale, or else refitted.
 *
 * <p>Refitting keeps every key of the template (unknown ones included) and sets: {@code r} to the most common
 * rank and {@code lora_alpha} to the most common alpha ({@code alpha = scale·r}, or {@code scale·√r} with
 * {@code use_rslora}; ties go to the smaller value); {@code rank_pattern} / {@code alpha_pattern} to one entry,
 * keyed by the full module name, for each module that deviates; {@code target_modules} to the sorted list of
 * the modules' last name segments unless every module already matches it; {@code use_dora},
 * {@code lora_bias} and {@code fan_in_fan_out} to what the modules carry.
 */
public final class ConfigFit {
    /** One module to be written, with the scale of its update {@code ΔW = scale·B·A}. */
    public record Module(ModuleSpec spec, double scale) {
        /** The module's name. */
        public String name() {
            return spec.name();
        }
    }

    private ConfigFit() {
    }

    /**
     * The config that gives each of {@code modules} its rank and scale: {@code template} itself when it already
     * does (and agrees with the modules on DoRA, LoRA bias, fan-in-fan-out and target modules), else a refit.
     *
     * @throws IllegalArgumentException when {@code modules} is empty
     * @throws AdapterTypeException when the modules cannot share one config: some with DoRA magnitudes and some
     *                              without, or linear modules with both base layouts ({@code fan_in_fan_out})
     */
    public static PeftConfig fit(PeftConfig template, Collection<Module> modules) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("no modules to fit an adapter config to");
        }
        Flags flags = Flags.of(modules);
        if (resolves(template, modules) && flags.agreeWith(template)
                && modules.stream().allMatch(m -> template.targets(m.name()))) {
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
        boolean keepTargets = modules.stream().allMatch(m -> template.targets(m.name()));
        PeftConfig fitted = template.with(n -> {
            n.put("peft_type", "LORA");
            n.put("r", r);
            PeftConfig.putNumber(n, "lora_alpha", alpha);
            ObjectNode rp = n.putObject("rank_pattern");
            rankPattern.forEach(rp::put);
            ObjectNode ap = n.putObject("alpha_pattern");
            alphaPattern.forEach((k, v) -> PeftConfig.putNumber(ap, k, v));
            if (!keepTargets) {
                ArrayNode targets = n.putArray("target_modules");
                new TreeSet<>(modules.stream().map(m -> lastSegment(m.name())).toList()).forEach(targets::add);
            }
            flags.applyTo(n, template);
        });
        List<String> unresolved = unresolved(fitted, modules);
        if (!unresolved.isEmpty()) {
            throw new IllegalStateException("the refitted adapter config does not give these modules their rank and "
                    + "scale (their names overlap as PEFT patterns): " + unresolved);
        }
        return fitted;
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
            boolean clean = p.matches(name)
                    && modules.stream().noneMatch(m -> !m.name().equals(name) && p.matches(m.name()));
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

    private static String lastSegment(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The per-adapter switches PEFT keeps in the config, as the modules need them. */
    private record Flags(boolean dora, boolean loraBias, Boolean fanInFanOut) {
        static Flags of(Collection<Module> modules) {
            List<String> dora = modules.stream().filter(m -> m.spec().dora()).map(Module::name).toList();
            if (!dora.isEmpty() && dora.size() != modules.size()) {
                String plain = modules.stream().filter(m -> !m.spec().dora()).map(Module::name).findFirst().orElseThrow();
                throw new AdapterTypeException("cannot save modules with DoRA magnitudes (such as '" + dora.get(0)
                        + "') together with plain LoRA modules (such as '" + plain + "') in one PEFT adapter: "
                        + "use_dora applies to all modules. Select one kind, or drop the magnitudes");
            }
            boolean bias = modules.stream().anyMatch(m -> m.spec().loraBias());
            List<Module> linear = modules.stream().filter(m -> m.spec().kind() == ModuleKind.LINEAR).toList();
            Boolean fifo = null;
            if (!linear.isEmpty()) {
                fifo = linear.get(0).spec().fanInFanOut();
                for (Module m : linear) {
                    if (m.spec().fanInFanOut() != fifo) {
                        throw new AdapterTypeException("cannot save module '" + linear.get(0).name() + "' (fan_in_fan_out "
                                + fifo + ") together with '" + m.name() + "' (fan_in_fan_out " + m.spec().fanInFanOut()
                                + ") in one PEFT adapter: fan_in_fan_out applies to all modules");
                    }
                }
            }
            return new Flags(!dora.isEmpty(), bias, fifo);
        }

        boolean agreeWith(PeftConfig c) {
            return c.useDora() == dora && c.loraBias() == loraBias && (fanInFanOut == null || c.fanInFanOut() == fanInFanOut);
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
