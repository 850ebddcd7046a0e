package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The notebook test's verdicts, on hand-written executed notebooks. */
class ExecutedNotebookCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SOURCE = """
            {"cells": [
              {"cell_type": "markdown", "metadata": {}, "source": "# t"},
              {"cell_type": "code", "id": "plot", "execution_count": null, "outputs": [],
               "metadata": {"loralgebra": {"expect": [{"mime": "image/svg+xml", "contains": "Title"}]}}, "source": "p"}
            ]}""";

    private static JsonNode executed(String outputs, String count) throws Exception {
        return JSON.readTree("""
                {"cells": [
                  {"cell_type": "markdown", "metadata": {}, "source": "# t"},
                  {"cell_type": "code", "id": "plot", "execution_count": %s, "metadata": {}, "source": "p",
                   "outputs": %s}
                ]}""".formatted(count, outputs));
    }

    @Test
    void acceptsAnExecutedNotebookMeetingItsExpectations() throws Exception {
        JsonNode ok = executed("""
                [{"output_type": "execute_result", "data": {"image/svg+xml": ["<svg>", "<text>Title</text></svg>"],
                  "text/plain": "Lets-Plot figure"}}]""", "1");
        assertEquals(List.of(), ExecutedNotebookCheck.problems(JSON.readTree(SOURCE), ok));
    }

    @Test
    void reportsAnErrorOutput() throws Exception {
        JsonNode failed = executed("""
                [{"output_type": "error", "ename": "CompilationException", "evalue": "Unresolved reference: x",
                  "traceback": []}]""", "1");
        List<String> problems = ExecutedNotebookCheck.problems(JSON.readTree(SOURCE), failed);
        assertTrue(
                problems.stream().anyMatch(p -> p.contains("failed: CompilationException: Unresolved reference: x")),
                problems.toString());
    }

    @Test
    void reportsAMissingExpectedOutput() throws Exception {
        JsonNode textOnly = executed("""
                [{"output_type": "execute_result", "data": {"text/plain": "Title"}}]""", "1");
        List<String> problems = ExecutedNotebookCheck.problems(JSON.readTree(SOURCE), textOnly);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("expected an output image/svg+xml containing \"Title\""), problems.get(0));
    }

    @Test
    void reportsACellThatDidNotRun() throws Exception {
        List<String> problems = ExecutedNotebookCheck.problems(JSON.readTree(SOURCE), executed("[]", "null"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("did not run")), problems.toString());
    }

    @Test
    void requiresAtLeastOneExpectation() throws Exception {
        JsonNode bare = JSON.readTree(SOURCE.replace("\"loralgebra\"", "\"other\""));
        JsonNode ok = executed("[]", "1");
        assertTrue(ExecutedNotebookCheck.problems(bare, ok).stream()
                .anyMatch(p -> p.contains("declares no expected output")));
    }

    private static final String PLAN_SOURCE =
            SOURCE.replace("image/svg+xml", "text/plain").replace("\"Title\"", "\"== Physical plan ==\"");

    @Test
    void readsAPrintTheKernelSentInPiecesAsOneText() throws Exception {
        JsonNode pieces = executed("""
                [{"output_type": "stream", "name": "stdout", "text": "== Logical plan ==\\n== Physical p"},
                 {"output_type": "stream", "name": "stdout", "text": ["lan ==\\n", "  #1 Scale"]}]""", "1");
        assertEquals(List.of(), ExecutedNotebookCheck.problems(JSON.readTree(PLAN_SOURCE), pieces));
        assertEquals(
                "== Logical plan ==\n== Physical plan ==\n  #1 Scale\n",
                ExecutedNotebookCheck.shownText(pieces.at("/cells/1")));
    }

    @Test
    void keepsPiecesOfOtherStreamsOrAcrossOtherOutputsApart() throws Exception {
        for (String between : List.of(
                "{\"output_type\": \"stream\", \"name\": \"stderr\", \"text\": \"warning\"}",
                "{\"output_type\": \"display_data\", \"data\": {\"text/plain\": \"x\"}}")) {
            JsonNode apart = executed("""
                    [{"output_type": "stream", "name": "stdout", "text": "== Physical p"}, %s,
                     {"output_type": "stream", "name": "stdout", "text": "lan =="}]""".formatted(between), "1");
            List<String> problems = ExecutedNotebookCheck.problems(JSON.readTree(PLAN_SOURCE), apart);
            assertEquals(1, problems.size(), between + ": " + problems);
            assertTrue(problems.get(0).contains("expected an output text/plain"), problems.get(0));
        }
    }
}
