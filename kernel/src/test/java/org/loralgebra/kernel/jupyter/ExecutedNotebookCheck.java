package org.loralgebra.kernel.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an executed notebook against its source: every code cell ran, no output is an error, and each
 * expectation a cell declares ({@code metadata.loralgebra.expect}: MIME type and text it contains) is met.
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
            for (JsonNode output : cell.path("outputs")) {
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

    private static boolean hasOutput(JsonNode cell, String mime, String contains) {
        for (JsonNode output : cell.path("outputs")) {
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
        for (JsonNode output : cell.path("outputs")) {
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
