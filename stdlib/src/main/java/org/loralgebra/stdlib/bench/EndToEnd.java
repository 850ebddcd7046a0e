package org.loralgebra.stdlib.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.loralgebra.lang.LoraException;

/**
 * The end-to-end section of the benchmark: whole commands, each repetition a fresh process (a cold JVM for ours),
 * against whole numpy scripts, timed by {@code bench/e2e/run.py} from outside both (see bench/README.md): {@code lora
 * inspect}, {@code lora spectrum --json}, a cached {@code .lora.kts} script that computes and one that only starts, the
 * REPL's first evaluation and a notebook's first cell.
 */
public final class EndToEnd {
    /** The commands, in report order. */
    public static final List<String> COMMANDS =
            List.of("inspect", "spectrum", "script", "script_start", "repl", "notebook");

    private static final String[] PART_NAMES = {"prompt", "kernel_start", "first_cell"};

    private EndToEnd() {}

    /** The launcher at {@code lora.home}, if this JVM was started by it. */
    public static Optional<Path> launcher() {
        String home = System.getProperty("lora.home");
        if (home == null) {
            return Optional.empty();
        }
        Path lora = Path.of(home, "lora");
        return Files.isExecutable(lora) ? Optional.of(lora) : Optional.empty();
    }

    /**
     * The small adapter {@code inspect}, the REPL and the notebook read: the DistilBERT adapter of the repository's
     * examples, or {@code fallback} when the examples are not there.
     */
    public static Path smallAdapter(Path fallback) {
        String home = System.getProperty("lora.home");
        Path small = home == null ? null : Path.of(home, "examples", "adapters", "distilbert-emotion");
        return small != null && Files.isDirectory(small) ? small : fallback;
    }

    /** Runs {@code commands} with the launcher {@code lora} on {@code adapter} and {@code small}. */
    public static List<CommandTiming> run(
            Path lora,
            Path adapter,
            Path small,
            List<String> commands,
            int reps,
            int warmup,
            Path scratch,
            Consumer<String> log) {
        log.accept("end to end: " + String.join(",", commands));
        JsonNode result = NumpyPeer.run(
                NumpyPeer.benchFile("e2e/run.py"),
                List.of(
                        "--lora",
                        lora.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--small",
                        small.toString(),
                        "--reps",
                        String.valueOf(reps),
                        "--warmup",
                        String.valueOf(warmup),
                        "--only",
                        String.join(",", commands)),
                scratch,
                3600);
        return fromJson(result.path("commands"));
    }

    /** The timings of a {@code commands} object (as run.py and {@link #toJson} write it). */
    public static List<CommandTiming> fromJson(JsonNode commands) {
        List<CommandTiming> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = commands.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode c = e.getValue();
            if (!c.path("ours").isObject()) {
                throw new LoraException("end-to-end command '" + e.getKey() + "' has no 'ours' timing: " + c);
            }
            Map<String, Timing> parts = new LinkedHashMap<>();
            for (String part : PART_NAMES) {
                if (c.path(part).isObject()) {
                    parts.put(part, Timing.of(c.get(part)));
                }
            }
            out.add(new CommandTiming(
                    e.getKey(),
                    c.path("ours_command").asText(),
                    Timing.of(c.get("ours")),
                    c.path("peer_command").isTextual()
                            ? Optional.of(c.get("peer_command").asText())
                            : Optional.empty(),
                    c.path("peer").isObject() ? Optional.of(Timing.of(c.get("peer"))) : Optional.empty(),
                    parts));
        }
        return out;
    }

    /** Writes {@code timings} as a {@code commands} object under {@code parent}. */
    public static void toJson(List<CommandTiming> timings, ObjectNode parent) {
        for (CommandTiming t : timings) {
            ObjectNode c = parent.putObject(t.name());
            c.put("ours_command", t.oursCommand());
            t.ours().writeTo(c.putObject("ours"));
            t.peerCommand().ifPresent(p -> c.put("peer_command", p));
            t.peer().ifPresent(p -> p.writeTo(c.putObject("peer")));
            t.speedup().ifPresent(s -> c.put("speedup", s));
            t.parts().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(p -> p.getValue().writeTo(c.putObject(p.getKey())));
        }
    }
}
