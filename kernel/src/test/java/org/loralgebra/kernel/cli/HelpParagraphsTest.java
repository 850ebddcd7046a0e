package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** No verb's help is cut in the middle of a sentence: not in {@code lora --help}'s list, not in its own help. */
class HelpParagraphsTest {
    @Test
    void elementsAreJoinedUntilASentenceEnds() {
        assertArrayEquals(
                new String[] {"Merge adapters (a, b, c) into one.", "Writes OUT:", "a folder.", "Then"},
                HelpParagraphs.join(
                        new String[] {"Merge adapters (a, b,", "c) into one.", "Writes OUT:", "a", "folder.", "Then"}));
        assertArrayEquals(new String[] {"One."}, HelpParagraphs.join(new String[] {"One."}));
    }

    @Test
    void everyVerbsSummaryIsAWholeSentence() {
        List<String> cut = new ArrayList<>();
        check(Main.commandLine(Map.of()), "lora", cut, new IdentityHashMap<>());
        assertEquals(List.of(), cut, "descriptions cut mid-sentence");
    }

    private static void check(CommandLine cl, String name, List<String> cut, Map<CommandSpec, Boolean> seen) {
        if (seen.put(cl.getCommandSpec(), Boolean.TRUE) != null) {
            return;
        }
        String[] description = cl.getCommandSpec().usageMessage().description();
        for (int i = 0; i < description.length; i++) {
            boolean last = i == description.length - 1;
            if (!HelpParagraphs.endsSentence(description[i]) && (i == 0 || !last)) {
                cut.add(name + ": \"" + description[i] + "\"");
            }
        }
        cl.getSubcommands().forEach((sub, line) -> check(line, name + " " + sub, cut, seen));
    }
}
