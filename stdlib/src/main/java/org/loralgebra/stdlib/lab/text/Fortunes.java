package org.loralgebra.stdlib.lab.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.loralgebra.lang.LoraException;

/**
 * Quotations by topic from Debian's {@code fortunes} package (BSD): one file per topic in
 * {@code /usr/share/games/fortunes}, the quotations separated by lines holding only {@code %}. Nothing is
 * downloaded: a missing file is an error naming the package.
 */
public final class Fortunes {
    /** The Debian package that provides the files. */
    public static final String DEBIAN_PACKAGE = "fortunes";
    /** Where the Debian package puts them. */
    public static final Path DEFAULT_FOLDER = Path.of("/usr/share/games/fortunes");

    private final Path folder;

    private Fortunes(Path folder) {
        this.folder = folder;
    }

    /** The files in the Debian package's folder. */
    public static Fortunes installed() {
        return in(DEFAULT_FOLDER);
    }

    /** The files in another folder. */
    public static Fortunes in(Path folder) {
        return new Fortunes(folder);
    }

    /** The quotations of one topic file, in file order, each with its whitespace collapsed. */
    public List<String> topic(String name) {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new LoraException("fortunes: " + file + " is missing; install the Debian package " + DEBIAN_PACKAGE
                    + " (apt-get install " + DEBIAN_PACKAGE + ")");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new LoraException("fortunes: cannot read " + file + ": " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (String entry : text.split("\n%\n")) {
            String s = entry.replaceAll("\\s+", " ").strip();
            if (!s.isEmpty() && !"%".equals(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
