package org.loralgebra.stdlib.lab.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.loralgebra.lang.LoraException;

/**
 * The glosses of WordNet 3.0 synsets by lexicographer file (the synset's supersense, such as {@code noun.animal} =
 * 05), from Debian's {@code wordnet-base} package ({@code /usr/share/wordnet/data.noun}, {@code data.verb}, …).
 * A gloss is the definition before its quoted examples. Nothing is downloaded: a missing file is an error naming
 * the package.
 */
public final class WordNetGlosses {
    /** The Debian package that provides the files. */
    public static final String DEBIAN_PACKAGE = "wordnet-base";
    /** Where the Debian package puts them. */
    public static final Path DEFAULT_FOLDER = Path.of("/usr/share/wordnet");

    private final Path folder;

    private WordNetGlosses(Path folder) {
        this.folder = folder;
    }

    /** The files in the Debian package's folder. */
    public static WordNetGlosses installed() {
        return in(DEFAULT_FOLDER);
    }

    /** The files in another folder. */
    public static WordNetGlosses in(Path folder) {
        return new WordNetGlosses(folder);
    }

    /**
     * The glosses of the synsets of a part of speech ({@code noun}, {@code verb}, {@code adj}, {@code adv}) in one
     * lexicographer file (its number, 0–44), in file order.
     */
    public List<String> glosses(String partOfSpeech, int lexFile) {
        Path file = folder.resolve("data." + partOfSpeech);
        if (!Files.isRegularFile(file)) {
            throw new LoraException("WordNet: " + file + " is missing; install the Debian package " + DEBIAN_PACKAGE
                    + " (apt-get install " + DEBIAN_PACKAGE + ")");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LoraException("WordNet: cannot read " + file + ": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("  ") || line.isBlank()) {
                continue; // the licence header
            }
            String[] fields = line.split(" ", 3);
            int bar = line.indexOf(" | ");
            if (fields.length < 3 || bar < 0) {
                throw new LoraException("WordNet: " + file + ":" + (i + 1) + ": not a synset line");
            }
            int lex;
            try {
                lex = Integer.parseInt(fields[1]);
            } catch (NumberFormatException e) {
                throw new LoraException("WordNet: " + file + ":" + (i + 1) + ": lexicographer file '" + fields[1]
                        + "' is not a number");
            }
            if (lex != lexFile) {
                continue;
            }
            String gloss = line.substring(bar + 3);
            int example = gloss.indexOf("; \"");
            if (example >= 0) {
                gloss = gloss.substring(0, example);
            }
            gloss = gloss.strip();
            if (!gloss.isEmpty()) {
                out.add(gloss);
            }
        }
        return out;
    }
}
