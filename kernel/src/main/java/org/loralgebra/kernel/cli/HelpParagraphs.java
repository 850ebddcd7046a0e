package org.loralgebra.kernel.cli;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Verb descriptions as whole sentences. Picocli prints each element of a {@code description} on its own line and
 * {@code lora --help} shows only the first element of each verb, so a sentence written across elements (to keep
 * source lines short) was shown cut in the middle. Consecutive elements are joined into one paragraph until an element
 * ends a sentence ({@code .}, {@code !}, {@code ?} or {@code :}); picocli then wraps each paragraph at the terminal's
 * width.
 */
final class HelpParagraphs {
    private HelpParagraphs() {}

    /** Joins the description of {@code cl} and of every verb under it into paragraphs. */
    static void apply(CommandLine cl) {
        apply(cl, new IdentityHashMap<>());
    }

    private static void apply(CommandLine cl, Map<CommandSpec, Boolean> done) {
        CommandSpec spec = cl.getCommandSpec();
        if (done.put(spec, Boolean.TRUE) != null) {
            return; // an alias: the same verb under another name
        }
        spec.usageMessage().description(join(spec.usageMessage().description()));
        for (CommandLine sub : cl.getSubcommands().values()) {
            apply(sub, done);
        }
    }

    /** {@code lines} joined into paragraphs, each ending where an element ends a sentence (or at the last element). */
    static String[] join(String[] lines) {
        List<String> paragraphs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (current.length() > 0 && !trimmed.isEmpty()) {
                current.append(' ');
            }
            current.append(trimmed);
            if (endsSentence(trimmed)) {
                paragraphs.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            paragraphs.add(current.toString());
        }
        return paragraphs.toArray(String[]::new);
    }

    /** Whether {@code line} ends a sentence: its last character is {@code .}, {@code !}, {@code ?} or {@code :}. */
    static boolean endsSentence(String line) {
        return !line.isEmpty() && ".!?:".indexOf(line.charAt(line.length() - 1)) >= 0;
    }
}
