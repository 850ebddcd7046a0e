package org.loralgebra.hub.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.loralgebra.hub.HubTables;
import org.loralgebra.hub.SparkHub;

/** Runs one hub verb: output checked first, then the adapters analysed on Spark or on this machine, then written. */
final class HubRun {
    private HubRun() {}

    static int run(
            HubInput in,
            PrintWriter err,
            String verb,
            Function<List<String>, HubTables> singleMachine,
            BiFunction<SparkHub, List<String>, Map<String, JavaRDD<String>>> spark) {
        HubOutput out = HubOutput.at(in.output, in.overwrite);
        List<String> adapters = in.adapters();
        long started = System.nanoTime();
        if (in.singleMachine) {
            err.println("lora hub " + verb + ": " + adapters.size() + " adapters on this machine (no Spark)");
            err.flush();
            out.write(singleMachine.apply(adapters).tables());
        } else {
            err.println("lora hub " + verb + ": " + adapters.size() + " adapters on Spark, master " + in.master);
            err.flush();
            try (JavaSparkContext sc = SparkHub.context(in.master, "lora hub " + verb)) {
                out.writeSpark(spark.apply(new SparkHub(sc), adapters));
            }
        }
        err.printf("lora hub %s: wrote %s in %.1f s%n", verb, in.output, (System.nanoTime() - started) / 1e9);
        err.flush();
        return HubCommand.OK;
    }
}
