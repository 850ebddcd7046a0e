package org.loralgebra.hub.cli;

import java.util.List;
import org.loralgebra.hub.AdapterPaths;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every {@code lora hub} verb takes: the adapters, the output folder, where to run. */
final class HubInput {
    @Parameters(
            paramLabel = "PATHS",
            arity = "1..*",
            description = "Adapters: folders (an adapter, or a folder of adapters), globs, .safetensors files, or text "
                    + "files listing them one a line; local or any Hadoop file system path (hdfs://…).")
    List<String> paths;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "OUT",
            required = true,
            description = "Output folder: one sub-folder of JSON-lines part files per table.")
    String output;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    boolean overwrite;

    @Option(
            names = "--master",
            paramLabel = "URL",
            defaultValue = "local[*]",
            description = "Spark master: local[*] (default), local[N], spark://HOST:PORT, yarn, …")
    String master;

    @Option(
            names = "--single-machine",
            description = "Compute the same rows in this JVM without Spark (no context to start; fine for a few "
                    + "hundred adapters).")
    boolean singleMachine;

    List<String> adapters() {
        return AdapterPaths.expand(paths);
    }
}
