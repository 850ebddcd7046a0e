package org.loralgebra.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Prints JSON the way Python's {@code json.dumps(obj, indent=2, sort_keys=True)} does, which is how PEFT
 * writes {@code adapter_config.json}: two-space indent, {@code ": "} between key and value, one array element
 * per line, {@code {}} and {@code []} when empty, non-ASCII escaped, floats in Python's shortest form.
 */
public final class PythonJson {
    private PythonJson() {}

    /** {@code node} printed as {@code json.dumps(node, indent=2, sort_keys=True)} prints it. */
    public static String print(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb, 0);
        return sb.toString();
    }

    private static void write(JsonNode node, StringBuilder sb, int depth) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            if (keys.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            for (int i = 0; i < keys.size(); i++) {
                indent(sb, depth + 1);
                string(keys.get(i), sb);
                sb.append(": ");
                write(node.get(keys.get(i)), sb, depth + 1);
                sb.append(i + 1 < keys.size() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                indent(sb, depth + 1);
                write(it.next(), sb, depth + 1);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), sb);
        } else if (node.isFloatingPointNumber()) {
            sb.append(pythonFloat(node.doubleValue()));
        } else if (node.isNull()) {
            sb.append("null");
        } else {
            sb.append(node.asText()); // integers, booleans
        }
    }

    /**
     * Python's {@code repr(float)}: the shortest decimal that reads back as {@code v} (the nearer one when two
     * of that length do), in exponent form when its decimal exponent is below -4 or at least 16.
     */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortest(Math.abs(v)).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int exponent = digits.length() - 1 - shortest.scale(); // v = d.ddd × 10^exponent
        String sign = v < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = shortest.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static BigDecimal shortest(double v) {
        BigDecimal exact = new BigDecimal(v);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean downReads = Double.parseDouble(down.toString()) == v;
            boolean upReads = Double.parseDouble(up.toString()) == v;
            if (downReads && upReads) {
                return exact.subtract(down).compareTo(up.subtract(exact)) <= 0 ? down : up;
            }
            if (downReads || upReads) {
                return downReads ? down : up;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)); // 17 digits always read back
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth));
    }
}
