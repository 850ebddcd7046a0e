package org.loralgebra.graph;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.ModulePattern;
import org.loralgebra.model.ModuleOrder;

/**
 * Which modules {@code select} keeps, as a value (two equal filters select the same modules).
 * <ul>
 *   <li>{@link #glob}: {@code *} matches within one dotted component, {@code **} across components, {@code ?}
 *       one character; a glob without dots also matches the last component ({@code q_lin} selects every
 *       {@code ….q_lin});</li>
 *   <li>{@link #regex}: a regex (RE2 syntax, matched in linear time: Python's {@code re} without backreferences or
 *       lookaround) that must match the whole name;</li>
 *   <li>{@link #layers}: the layer index, the first dotted component that is a number
 *       ({@code transformer.h.3.attn.c_attn} is in layer 3);</li>
 *   <li>{@link #names}: exact names.</li>
 * </ul>
 */
public record ModuleFilter(Kind kind, List<String> patterns) {
    /** How patterns are read. */
    public enum Kind {
        GLOB,
        REGEX,
        LAYERS,
        NAMES
    }

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)(\\d+)(?:\\.|$)");

    public ModuleFilter {
        patterns = List.copyOf(patterns);
        if (patterns.isEmpty()) {
            throw new LoraException("select needs at least one pattern");
        }
        if (kind == Kind.REGEX) {
            for (String p : patterns) {
                try {
                    ModulePattern.of(p);
                } catch (ModulePattern.InvalidPattern e) {
                    throw new LoraException("select: " + e.getMessage());
                }
            }
        }
    }

    /** Modules matching any of the globs. */
    public static ModuleFilter glob(String... globs) {
        return new ModuleFilter(Kind.GLOB, List.of(globs));
    }

    /** Modules whose whole name matches any of the regexes. */
    public static ModuleFilter regex(String... regexes) {
        return new ModuleFilter(Kind.REGEX, List.of(regexes));
    }

    /** Modules in any of the given layers. */
    public static ModuleFilter layers(int... layers) {
        return new ModuleFilter(
                Kind.LAYERS, Arrays.stream(layers).mapToObj(String::valueOf).toList());
    }

    /** Exactly these modules. */
    public static ModuleFilter names(Set<String> names) {
        return new ModuleFilter(Kind.NAMES, new TreeSet<>(names).stream().toList());
    }

    /** Whether a module name is selected. */
    public boolean matches(String module) {
        for (String p : patterns) {
            boolean hit = switch (kind) {
                case GLOB -> globMatches(p, module);
                case REGEX -> ModulePattern.fullMatch(p, module);
                case LAYERS -> layerOf(module).orElse(-1) == Integer.parseInt(p);
                case NAMES -> p.equals(module);
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    /** The names among {@code modules} that match. */
    public SortedSet<String> apply(Set<String> modules) {
        TreeSet<String> out = new TreeSet<>(ModuleOrder.INSTANCE);
        for (String m : modules) {
            if (matches(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The layer index of a module name: its first all-digit dotted component. */
    public static OptionalInt layerOf(String module) {
        Matcher m = LAYER.matcher(module);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    private static boolean globMatches(String glob, String name) {
        if (!glob.contains(".") && !glob.contains("**")) {
            String last = name.substring(name.lastIndexOf('.') + 1);
            if (ModulePattern.fullMatch(globRegex(glob), last)) {
                return true;
            }
        }
        return ModulePattern.fullMatch(globRegex(glob), name);
    }

    private static String globRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^.]*");
            } else if (c == '?') {
                re.append("[^.]");
            } else {
                if ("\\.^$|?*+()[]{}".indexOf(c) >= 0) {
                    re.append('\\');
                }
                re.append(c);
            }
        }
        return re.toString();
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " " + String.join(",", patterns);
    }
}
