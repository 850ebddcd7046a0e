package org.loralgebra.lang;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A regular expression from a user or a config file, matched against module names in time linear in the name
 * (RE2/J: no backtracking, so a pattern such as {@code (.*.*.*.*)*X} cannot stall a run). RE2 syntax is
 * Python's without backreferences and lookaround; a pattern using those is refused when compiled.
 *
 * <p>Two readings, as PEFT matches: {@link #fullMatch} is Python's {@code re.fullmatch(regex, name)}
 * ({@code target_modules} given as a string), and {@link #patternKey} builds PEFT's {@code get_pattern_key}
 * test {@code re.match(rf"(.*\.)?({key})$", name)} ({@code rank_pattern} / {@code alpha_pattern} keys).
 */
public final class ModulePattern {
    private static final int CACHE_LIMIT = 4096;
    private static final Map<String, ModulePattern> CACHE = new ConcurrentHashMap<>();

    private final String source;
    private final Pattern pattern;

    private ModulePattern(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    /**
     * {@code regex} compiled for whole-name matching.
     *
     * @throws InvalidPattern when RE2 cannot compile it (a syntax error, a backreference, lookaround)
     */
    public static ModulePattern of(String regex) {
        return compiled(regex, regex);
    }

    /**
     * PEFT's test of a {@code rank_pattern} / {@code alpha_pattern} key: the module's whole name, or its part after
     * some {@code '.'}, matches {@code key} ({@code (.*\.)?(key)$} matched from the start of the name).
     *
     * @throws InvalidPattern when RE2 cannot compile the key
     */
    public static ModulePattern patternKey(String key) {
        return compiled(key, "(.*\\.)?(" + key + ")$");
    }

    private static ModulePattern compiled(String source, String regex) {
        ModulePattern cached = CACHE.get(regex);
        if (cached != null) {
            return cached;
        }
        ModulePattern p;
        try {
            p = new ModulePattern(source, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new InvalidPattern(source, e.getDescription());
        }
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(regex, p);
        return p;
    }

    /** Whether the whole of {@code name} matches. */
    public boolean matches(String name) {
        return pattern.matches(name);
    }

    /** Group {@code group} of a whole-name match of {@code name}, or empty when it does not match. */
    public Optional<String> group(String name, int group) {
        Matcher m = pattern.matcher(name);
        return m.matches() ? Optional.ofNullable(m.group(group)) : Optional.empty();
    }

    /** Python's {@code re.fullmatch(regex, name)}, in linear time. */
    public static boolean fullMatch(String regex, String name) {
        return of(regex).matches(name);
    }

    /** The pattern as the user or file wrote it. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }

    /** A pattern that RE2 cannot compile; the message says what is wrong with it. */
    public static final class InvalidPattern extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String pattern;

        InvalidPattern(String pattern, String description) {
            super("'" + pattern + "' is not a pattern LoRAlgebra can match (RE2 syntax, as Python's re without "
                    + "backreferences or lookaround, which could take exponential time): " + description);
            this.pattern = pattern;
        }

        /** The pattern as written. */
        public String pattern() {
            return pattern;
        }
    }
}
