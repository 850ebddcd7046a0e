package org.loralgebra.stdlib.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * A number per (layer, module type): the data of a layer × module heatmap. {@code values[l][t]} belongs to
 * {@code layers.get(l)} and {@code types.get(t)}; {@code NaN} where the adapter has no such module. Modules
 * without a layer index are not in a grid.
 */
public record LayerGrid(String quantity, List<Integer> layers, List<String> types, double[][] values) {
    public LayerGrid {
        layers = List.copyOf(layers);
        types = List.copyOf(types);
        if (values.length != layers.size()) {
            throw new LoraException(quantity + ": " + values.length + " rows for " + layers.size() + " layers");
        }
        double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != types.size()) {
                throw new LoraException(quantity + ": row " + i + " has " + values[i].length + " values for "
                        + types.size() + " module types");
            }
            copy[i] = values[i].clone();
        }
        values = copy;
    }

    /** The grid of {@code value} over modules (by name) that have a layer index. */
    public static LayerGrid of(String quantity, Map<String, Double> valueByModule) {
        TreeSet<Integer> layers = new TreeSet<>();
        TreeSet<String> types = new TreeSet<>();
        Map<String, ModuleName> names = new TreeMap<>();
        valueByModule.keySet().forEach(m -> {
            ModuleName n = ModuleName.of(m);
            if (n.layer().isPresent()) {
                names.put(m, n);
                layers.add(n.layer().getAsInt());
                types.add(n.type());
            }
        });
        List<Integer> layerList = new ArrayList<>(layers);
        List<String> typeList = new ArrayList<>(types);
        double[][] v = new double[layerList.size()][typeList.size()];
        for (double[] row : v) {
            Arrays.fill(row, Double.NaN);
        }
        names.forEach((m, n) ->
                v[layerList.indexOf(n.layer().getAsInt())][typeList.indexOf(n.type())] = valueByModule.get(m));
        return new LayerGrid(quantity, layerList, typeList, v);
    }

    /** The value at a layer and module type ({@code NaN} when absent). */
    public double get(int layer, String type) {
        int l = layers.indexOf(layer);
        int t = types.indexOf(type);
        return l < 0 || t < 0 ? Double.NaN : values[l][t];
    }

    @Override
    public double[][] values() {
        double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            copy[i] = values[i].clone();
        }
        return copy;
    }

    /** {@code {"quantity", "layers", "types", "values": [[..], ..]}} with null for absent cells. */
    public ObjectNode toJsonNode() {
        ObjectNode o = ReportJson.object();
        o.put("quantity", quantity);
        ArrayNode ls = o.putArray("layers");
        layers.forEach(ls::add);
        ArrayNode ts = o.putArray("types");
        types.forEach(ts::add);
        ArrayNode rows = o.putArray("values");
        for (double[] row : values) {
            rows.add(ReportJson.array(row));
        }
        return o;
    }

    /** As JSON text. */
    public String toJson() {
        return ReportJson.line(toJsonNode());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerGrid g
                && g.quantity.equals(quantity)
                && g.layers.equals(layers)
                && g.types.equals(types)
                && Arrays.deepEquals(g.values, values);
    }

    @Override
    public int hashCode() {
        return (quantity.hashCode() * 31 + layers.hashCode()) * 31 + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(quantity).append('\n');
        sb.append(String.format(Locale.ROOT, "%6s", "layer"));
        types.forEach(t -> sb.append(String.format(Locale.ROOT, " %14s", t)));
        sb.append('\n');
        for (int l = 0; l < layers.size(); l++) {
            sb.append(String.format(Locale.ROOT, "%6d", layers.get(l)));
            for (double v : values[l]) {
                sb.append(
                        Double.isNaN(v)
                                ? String.format(Locale.ROOT, " %14s", "-")
                                : String.format(Locale.ROOT, " %14.4g", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
