package org.loralgebra.kernel.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.Spectrum;
import org.loralgebra.stdlib.analysis.SpectrumStats;

/** What the REPL prints after {@code name: Type = }: tables and contents, never an array's identity hash. */
class ReplValuesTest {
    private final Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));

    /** The table's body: every line after the caption. */
    private static List<String> body(String text) {
        List<String> lines = Arrays.asList(text.split("\n"));
        return lines.subList(2, lines.size());
    }

    @Test
    void aSpectrumIsAnAlignedTableOfItsValues() {
        Spectrum spectrum = imdb.spectrum();
        SortedMap<String, double[]> values = spectrum.values();
        String text = ReplValues.render(spectrum);
        assertFalse(text.contains("[D@"), text);
        assertTrue(text.startsWith("\nSpectrum of distilbert-imdb (12 modules)"), text);
        List<String> rows = body(text);
        assertEquals(1 + values.size(), rows.size(), "a header and one row per module:\n" + text);
        assertEquals(1, rows.stream().map(String::length).distinct().count(), "columns padded to one width:\n" + text);
        String first = values.firstKey();
        String row = rows.get(1);
        assertTrue(row.trim().startsWith(first), row);
        for (double sigma : values.get(first)) {
            String cell = String.format(Locale.ROOT, "%.4g", sigma);
            assertTrue(row.contains(cell), "σ = " + sigma + " shown as " + cell + " in: " + row);
        }
    }

    @Test
    void mapsOfArraysAndArraysShowTheirContents() {
        SortedMap<String, double[]> values = imdb.spectrum().values();
        String map = ReplValues.render(values);
        assertFalse(map.contains("[D@"), map);
        values.keySet().forEach(k -> assertTrue(map.contains(k), k + " in:\n" + map));
        assertEquals("[1.5, -2.0]", ReplValues.render(new double[] {1.5, -2}));
        assertEquals("[1.5, -2.0]", ReplValues.render(new float[] {1.5f, -2}));
        assertEquals("[[1, 2], [3]]", ReplValues.render(new int[][] {{1, 2}, {3}}));
        assertEquals("{a=1}", ReplValues.render(Map.of("a", 1)), "other maps print as Kotlin prints them");
    }

    @Test
    void spectrumStatisticsAreATable() {
        SpectrumStats stats = SpectrumStats.of(imdb, 0.9);
        String text = ReplValues.render(stats);
        assertTrue(text.startsWith("\nSpectrum statistics of distilbert-imdb (12 modules)"), text);
        assertEquals(1 + 12, body(text).size(), text);
        String row = body(text).get(1);
        String sigma1 =
                String.format(Locale.ROOT, "%.4g", stats.modules().get(0).spectralNorm());
        assertTrue(row.contains(sigma1), "σ₁ " + sigma1 + " in: " + row);
    }
}
