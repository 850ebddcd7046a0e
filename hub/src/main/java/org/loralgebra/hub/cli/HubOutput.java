package org.loralgebra.hub.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.loralgebra.lang.LoraException;

/**
 * The output folder of a hub analysis, on any Hadoop file system: one sub-folder per table with JSON-lines part files
 * ({@code OUT/pairs/part-00000}, …). Written into a hidden sibling folder first and renamed into place once every
 * table is complete, so that a failed run leaves nothing at OUT (and, with {@code --overwrite}, the old output whole).
 */
final class HubOutput {
    private final Path out;
    private final boolean overwrite;
    private final FileSystem fs;

    private HubOutput(Path out, boolean overwrite, FileSystem fs) {
        this.out = out;
        this.overwrite = overwrite;
        this.fs = fs;
    }

    /**
     * The output at {@code path}, checked before anything is computed.
     *
     * @throws LoraException when it exists and {@code overwrite} is off
     */
    static HubOutput at(String path, boolean overwrite) {
        try {
            Path out = new Path(path);
            FileSystem fs = out.getFileSystem(new Configuration());
            if (fs.exists(out) && !overwrite) {
                throw new LoraException("output " + path + " exists: pass --overwrite to replace it");
            }
            return new HubOutput(out, overwrite, fs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the output " + path, e);
        }
    }

    /** Writes Spark's tables (each task writes its part files), then renames them into place. */
    void writeSpark(Map<String, JavaRDD<String>> tables) {
        Path tmp = temporary();
        tables.forEach((name, rdd) -> rdd.saveAsTextFile(new Path(tmp, name).toString()));
        commit(tmp);
    }

    /** Writes tables held in memory (one part file each), then renames them into place. */
    void write(Map<String, List<String>> tables) {
        Path tmp = temporary();
        try {
            for (Map.Entry<String, List<String>> t : tables.entrySet()) {
                try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                        fs.create(new Path(new Path(tmp, t.getKey()), "part-00000"), false), StandardCharsets.UTF_8))) {
                    for (String row : t.getValue()) {
                        w.write(row);
                        w.write('\n');
                    }
                }
                fs.create(new Path(new Path(tmp, t.getKey()), "_SUCCESS"), false)
                        .close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tmp, e);
        }
        commit(tmp);
    }

    private Path temporary() {
        return new Path(out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
    }

    private void commit(Path tmp) {
        try {
            if (fs.exists(out)) {
                if (!overwrite) {
                    fs.delete(tmp, true);
                    throw new LoraException("output " + out + " appeared while the analysis ran: left as it is");
                }
                fs.delete(out, true);
            }
            if (!fs.rename(tmp, out)) {
                throw new IOException("rename of " + tmp + " to " + out + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the output into place at " + out, e);
        }
    }
}
