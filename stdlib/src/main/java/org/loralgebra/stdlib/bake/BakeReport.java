package org.loralgebra.stdlib.bake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What a bake wrote: the shard files (the base's layout), each updated base tensor with the module that updated
 * it, extra tensors of the adapter (heads saved through {@code modules_to_save}) that replaced base tensors or
 * were added to the last shard, the other files copied, and those left out (other weight formats, which would
 * hold the unbaked weights, and subfolders).
 */
public record BakeReport(
        Path base,
        Path out,
        List<String> shards,
        Map<String, String> updated,
        List<String> replaced,
        List<String> added,
        List<String> copied,
        List<String> skipped,
        long totalSize) {
    public BakeReport {
        shards = List.copyOf(shards);
        updated = Collections.unmodifiableMap(new LinkedHashMap<>(updated));
        replaced = List.copyOf(replaced);
        added = List.copyOf(added);
        copied = List.copyOf(copied);
        skipped = List.copyOf(skipped);
    }

    /** As JSON: the fields above, paths as strings. */
    public String toJson() {
        ObjectNode root = ReportJson.object();
        root.put("base", base.toString());
        root.put("out", out.toString());
        shards.forEach(root.putArray("shards")::add);
        ObjectNode u = root.putObject("updated");
        updated.forEach(u::put);
        replaced.forEach(root.putArray("replaced")::add);
        added.forEach(root.putArray("added")::add);
        copied.forEach(root.putArray("copied")::add);
        skipped.forEach(root.putArray("skipped")::add);
        root.put("total_size", totalSize);
        return ReportJson.text(root);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("baked into ")
                .append(out)
                .append(": ")
                .append(updated.size())
                .append(" weight tensor(s) updated in ")
                .append(shards.size())
                .append(" shard(s) ")
                .append(shards);
        if (!replaced.isEmpty()) {
            sb.append("\n  replaced by the adapter's own tensors: ").append(replaced);
        }
        if (!added.isEmpty()) {
            sb.append("\n  added from the adapter (not in the base): ").append(added);
        }
        if (!copied.isEmpty()) {
            sb.append("\n  copied: ").append(copied);
        }
        if (!skipped.isEmpty()) {
            sb.append("\n  not copied: ").append(skipped);
        }
        return sb.toString();
    }
}
