package org.loralgebra.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.loralgebra.RealAdapters;

/**
 * The printer against CPython: expected strings were produced by CPython 3 ({@code repr(float)},
 * {@code json.dumps(obj, indent=2, sort_keys=True)}) and by PEFT itself (the real configs).
 */
class PythonJsonTest {
    /** Bit patterns of doubles and CPython's {@code repr} of them (random values from {@code random.Random(7)}, then edge cases). */
    private static final String[][] REPR = {
        {"4031000000000000", "17.0"},
        {"3a7fd1455f0d105a", "6.425485839826166e-27"},
        {"bad4c89c3363fe1c", "-2.686221661748289e-25"},
        {"3a503ae48f5bbaf1", "8.194081262862046e-28"},
        {"bc65544999b94733", "-9.250086831160304e-18"},
        {"4024aaaaaaaaaaab", "10.333333333333334"},
        {"c0cd7c14c2091e6d", "-15096.162171497208"},
        {"4451bdc32c667dcf", "1.3090738838615934e+21"},
        {"c61bf21ae6fcf708", "-5.535220707859709e+29"},
        {"41d8bc294a4d5244", "1659938089.208146"},
        {"4031000000000000", "17.0"},
        {"bc9a23423391becd", "-9.068346387644874e-17"},
        {"c4e36b6883d6cf7d", "-7.336503671167897e+23"},
        {"bf12a6ba39e58506", "-7.114898332851249e-05"},
        {"3afb6ef39ff98d88", "1.4182737929346877e-24"},
        {"4020000000000000", "8.0"},
        {"4135bad7d40743ab", "1424087.8282358448"},
        {"bc12d4af3df12973", "-2.5520491454853757e-19"},
        {"40e4b6c4e699372c", "42422.153149230726"},
        {"c12ae13b51f45f35", "-880797.6600675347"},
        {"401871c71c71c71c", "6.111111111111111"},
        {"3f9185e7e470aa5a", "0.017112372701527746"},
        {"bf9c59122b86a5a7", "-0.027683528811086735"},
        {"3cc53657cbfa30cf", "5.887589630449824e-16"},
        {"42c9734a92a6f85f", "55965926116848.74"},
        {"401c71c71c71c71c", "7.111111111111111"},
        {"c30d159af0abe535", "-1023316191444134.6"},
        {"4196e58265fe7b17", "96034969.49851643"},
        {"3ad27714cb6c69aa", "2.386566129509826e-25"},
        {"3bb8494943221f64", "5.142818591304987e-21"},
        {"4032000000000000", "18.0"},
        {"c26895f1fddecd16", "-844759035638.4089"},
        {"40cc86981233ad54", "14605.188055476792"},
        {"454a5564ed5405d9", "6.367066847346353e+25"},
        {"3dfad758470dcf59", "3.905907325473186e-10"},
        {"4033aaaaaaaaaaab", "19.666666666666668"},
        {"c4b1363db4c3a732", "-8.128080078261927e+22"},
        {"bcf754844a4de198", "-5.1803325160711065e-15"},
        {"c26952016736f9ee", "-870000048567.8103"},
        {"432ca23cae32703c", "4029840426088478.0"},
        {"3fb999999999999a", "0.1"},
        {"3ee4f8b588e368f1", "1e-05"},
        {"4341c37937e08000", "1e+16"},
        {"3e8421f5f40d8376", "1.5e-07"},
        {"437b69b4ba630f35", "1.2345678901234568e+17"},
        {"4005555555555555", "2.6666666666666665"},
        {"1", "5e-324"},
        {"7fefffffffffffff", "1.7976931348623157e+308"},
        {"3f1a36e2eb1c432d", "0.0001"},
        {"4059000000000000", "100.0"},
        {"8000000000000000", "-0.0"},
        {"0", "0.0"},
        {"4341c37937e07fff", "9999999999999998.0"},
        {"4480f0cf064dd592", "1e+22"},
        {"3f60624dd2f1a9fc", "0.002"},
        {"44b52d02c7e14af6", "1e+23"},
        {"3f0a36e2eb1c432d", "5e-05"},
        {"3f202e4b6ce5dc68", "0.00012345"},
        {"3eb0000000000000", "9.5367431640625e-07"},
        {"3fa999999999999a", "0.05"},
        {"4030000000000000", "16.0"},
        {"3f1a36d1bd105b06", "9.9999e-05"},
    };

    @Test
    void printsFloatsAsCPythonsRepr() {
        for (String[] row : REPR) {
            double v = Double.longBitsToDouble(Long.parseUnsignedLong(row[0], 16));
            assertEquals(row[1], PythonJson.pythonFloat(v), "repr of " + v);
        }
        assertEquals("NaN", PythonJson.pythonFloat(Double.NaN));
        assertEquals("-Infinity", PythonJson.pythonFloat(Double.NEGATIVE_INFINITY));
    }

    @Test
    void floatsReadBackExactlyAndAreNoLongerThanJavas() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 20_000; i++) {
            double v = i % 10 == 0
                    ? Double.longBitsToDouble(rnd.nextLong()) // any double (slow: long exact expansions)
                    : Math.scalb(rnd.nextDouble(-1, 1), rnd.nextInt(-70, 70)); // the range configs hold
            if (!Double.isFinite(v)) {
                continue;
            }
            String s = PythonJson.pythonFloat(v);
            assertEquals(v, Double.parseDouble(s), 0.0, s);
            assertTrue(digits(s) <= digits(Double.toString(v)), s + " vs " + v);
        }
    }

    @Test
    void printsNestedValuesAsJsonDumpsIndent2SortKeys() throws Exception {
        var node = JsonNodeFactory.instance.objectNode();
        var d = node.putObject("d");
        d.putNull("z");
        d.put("y", true);
        node.putArray("b").add(1).addObject();
        node.putArray("c");
        node.put("a", "x\u00e9\u2603\ud83d\ude00\u007f\u0001\t\"\\/");
        String expected = String.join(
                "\n",
                "{",
                "  \"a\": \"x\\u00e9\\u2603\\ud83d\\ude00\\u007f\\u0001\\t\\\"\\\\/\",",
                "  \"b\": [",
                "    1,",
                "    {}",
                "  ],",
                "  \"c\": [],",
                "  \"d\": {",
                "    \"y\": true,",
                "    \"z\": null",
                "  }",
                "}");
        assertEquals(expected, PythonJson.print(node));
    }

    @Test
    void reprintsRealPeftConfigsCharacterForCharacter() throws Exception {
        for (String name : List.of("distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya")) {
            Path file = RealAdapters.path(name).resolve("adapter_config.json");
            String original = Files.readString(file);
            // distilbert-emotion's file was committed with CRLF line ends; PEFT writes LF
            assertEquals(original.replace("\r\n", "\n"), PythonJson.print(new ObjectMapper().readTree(original)), name);
        }
    }

    private static int digits(String s) {
        String mantissa =
                s.replaceFirst("[eE].*", "").replace("-", "").replace(".", "").replaceFirst("^0+", "");
        return mantissa.replaceFirst("0+$", "").length();
    }
}
