package org.loralgebra.kernel.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an executed notebook against its source: every code cell ran, no output is an error, and each
 * expectation a cell declares ({@code metadata.loralgebra.expect}: MIME type and text it contains) is met. Outputs are
 * read as a person sees them: the kernel sends a long print as several stream messages, cut wherever its buffer was
 * flushed (a plan arrived as "== Physical p" and "lan ==" on a busy machine), and JupyterLab, the classic Notebook and
 * nbconvert (its default {@code coalesce_streams} preprocessor) show consecutive outputs of one stream as one text, so
 * this check joins them too.
 */
final class ExecutedNotebookCheck {
    private ExecutedNotebookCheck() {}

    /** What is wrong with an executed notebook, given its source's expectations. */
    static List<String> problems(JsonNode source, JsonNode executed) {
        List<String> problems = new ArrayList<>();
        JsonNode cells = executed.get("cells");
        JsonNode sourceCells = source.get("cells");
        if (cells.size() != sourceCells.size()) {
            return List.of("executed notebook has " + cells.size() + " cells, source has " + sourceCells.size());
        }
        int expectations = 0;
        for (int i = 0; i < cells.size(); i++) {
            JsonNode cell = cells.get(i);
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            String where = "cell " + i + " (" + cell.path("id").asText("?") + ")";
            if (cell.path("execution_count").isNull()) {
                problems.add(where + " did not run");
            }
            for (JsonNode output : shown(cell)) {
                if ("error".equals(output.path("output_type").asText())) {
                    problems.add(where + " failed: " + output.path("ename").asText() + ": "
                            + output.path("evalue").asText());
                }
            }
            for (JsonNode expect :
                    sourceCells.get(i).path("metadata").path("loralgebra").path("expect")) {
                expectations++;
                String mime = expect.path("mime").asText();
                String contains = expect.path("contains").asText("");
                if (!hasOutput(cell, mime, contains)) {
                    problems.add(where + ": expected an output " + mime
                            + (contains.isEmpty() ? "" : " containing \"" + contains + "\"") + ", found "
                            + describe(cell));
                }
            }
        }
        if (expectations == 0) {
            problems.add("the notebook declares no expected output (cell metadata loralgebra.expect)");
        }
        return problems;
    }

    /**
     * A cell's outputs as front-ends show them: consecutive {@code stream} outputs of the same stream ({@code stdout},
     * {@code stderr}) joined into one, every other output as it is.
     */
    static List<JsonNode> shown(JsonNode cell) {
        List<JsonNode> shown = new ArrayList<>();
        ObjectNode stream = null;
        for (JsonNode output : cell.path("outputs")) {
            boolean isStream = "stream".equals(output.path("output_type").asText());
            if (isStream
                    && stream != null
                    && stream.path("name").asText().equals(output.path("name").asText())) {
                stream.put("text", stream.path("text").asText() + text(output.path("text")));
                continue;
            }
            if (isStream) {
                stream = JsonNodeFactory.instance.objectNode();
                stream.put("output_type", "stream");
                stream.put("name", output.path("name").asText());
                stream.put("text", text(output.path("text")));
                shown.add(stream);
            } else {
                stream = null;
                shown.add(output);
            }
        }
        return shown;
    }

    /** The texts of a cell's outputs as {@link #shown} them, every MIME type of each, one after another. */
    static String shownText(JsonNode cell) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode output : shown(cell)) {
            if (output.has("text")) {
                sb.append(text(output.path("text"))).append('\n');
            }
            output.path("data").forEach(data -> sb.append(text(data)).append('\n'));
        }
        return sb.toString();
    }

    private static boolean hasOutput(JsonNode cell, String mime, String contains) {
        for (JsonNode output : shown(cell)) {
            JsonNode data = output.path("data").path(mime);
            if (data.isMissingNode()
                    && "stream".equals(output.path("output_type").asText())
                    && "text/plain".equals(mime)) {
                data = output.path("text");
            }
            if (!data.isMissingNode() && text(data).contains(contains)) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode data) {
        if (data.isArray()) {
            StringBuilder sb = new StringBuilder();
            data.forEach(line -> sb.append(line.asText()));
            return sb.toString();
        }
        return data.asText();
    }

    private static String describe(JsonNode cell) {
        List<String> found = new ArrayList<>();
        for (JsonNode output : shown(cell)) {
            String type = output.path("output_type").asText();
            List<String> mimes = new ArrayList<>();
            output.path("data").fieldNames().forEachRemaining(mimes::add);
            String preview =
                    output.has("data") ? text(output.path("data").path("text/plain")) : text(output.path("text"));
            found.add(type + mimes + " "
                    + preview.substring(0, Math.min(120, preview.length())).replace('\n', ' '));
        }
        return found.isEmpty() ? "no output" : String.join("; ", found);
    }
}
