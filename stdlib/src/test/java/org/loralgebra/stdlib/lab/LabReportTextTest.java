package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loralgebra.stdlib.ExpectedText;

/**
 * The merge and route lab reports' text and JSON, whole, for fixed accuracies: the references, a method with and
 * without λ, the best static merge's name. The expected files were written from the reports before they shared
 * their accuracy table and read through by hand; the overall means are checked against their arithmetic here.
 */
class LabReportTextTest {
    private static final List<String> TASKS = List.of("rotated", "flipped");

    private static Map<String, MeanSe> perTask(double first, double second) {
        Map<String, MeanSe> m = new LinkedHashMap<>();
        m.put("rotated", MeanSe.of(first, first + 0.02));
        m.put("flipped", MeanSe.of(second, second - 0.04));
        return m;
    }

    private static MergeReport merge() {
        Map<String, MergeReport.MethodResult> methods = new LinkedHashMap<>();
        methods.put("ties", new MergeReport.MethodResult(perTask(0.7, 0.6), MeanSe.of(0.65, 0.64), List.of(0.5, 0.75)));
        methods.put("routing", new MergeReport.MethodResult(perTask(0.8, 0.9), MeanSe.of(0.85, 0.83), List.of()));
        return new MergeReport("fmnist", 2, TASKS, perTask(0.5, 0.25), perTask(0.9, 0.95), methods);
    }

    private static RouteReport route() {
        Map<String, RouteReport.MethodResult> methods = new LinkedHashMap<>();
        methods.put("arrow", new RouteReport.MethodResult(perTask(0.71, 0.61), MeanSe.of(0.66, 0.65)));
        methods.put(
                RouteExperiment.BEST_STATIC, new RouteReport.MethodResult(perTask(0.7, 0.6), MeanSe.of(0.65, 0.64)));
        return new RouteReport("text", 2, TASKS, perTask(0.5, 0.25), perTask(0.9, 0.95), methods, "ties");
    }

    private static String expected(String name) throws IOException {
        return ExpectedText.of(LabReportTextTest.class, name);
    }

    @Test
    void theReferenceRowsCarryTheMeanOfTheTaskMeans() {
        // base: rotated (0.5 + 0.52) / 2 = 0.51, flipped (0.25 + 0.21) / 2 = 0.23; their mean 0.37
        assertTrue(merge().toText().contains("0.370      -"), merge().toText());
        assertTrue(route().toText().contains("0.370" + System.lineSeparator()), route().toText());
    }

    @Test
    void theMergeReportIsWhatItWas() throws IOException {
        assertEquals(expected("merge-report.txt"), merge().toText());
        assertEquals(expected("merge-report.json"), merge().toJson());
    }

    @Test
    void theRouteReportIsWhatItWas() throws IOException {
        assertEquals(expected("route-report.txt"), route().toText());
        assertEquals(expected("route-report.json"), route().toJson());
    }
}
