package org.loralgebra.stdlib.lab;

import java.util.Arrays;

/**
 * Texts encoded by the frozen part of MiniLM, the examples of the text suite: for each text, the input of the top
 * layer's feed-forward block (one row of 384 per token, float32: what {@code encoder.layer.5.intermediate.dense}
 * reads), its label in the suite's label space, and the labels its task may predict, {@code [from, to)} (the model
 * picks the best label in that range, so each task is scored among its own classes). Immutable.
 */
public final class TextExamples implements Examples {
    private final int width;
    private final float[][] inputs;
    private final int[] labels;
    private final int[] from;
    private final int[] to;

    private TextExamples(int width, float[][] inputs, int[] labels, int[] from, int[] to) {
        this.width = width;
        this.inputs = inputs;
        this.labels = labels;
        this.from = from;
        this.to = to;
    }

    /**
     * Examples of one task: per text its token rows (tokens × width, row-major; copied), all labelled within
     * {@code [from, to)}.
     */
    public static TextExamples of(int width, float[][] inputs, int[] labels, int from, int to) {
        if (inputs.length != labels.length) {
            throw new IllegalArgumentException(inputs.length + " texts and " + labels.length + " labels");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].length == 0 || inputs[i].length % width != 0) {
                throw new IllegalArgumentException(
                        "text " + i + ": " + inputs[i].length + " values are not whole rows of " + width);
            }
            if (labels[i] < from || labels[i] >= to) {
                throw new IllegalArgumentException(
                        "text " + i + ": label " + labels[i] + " outside its task's [" + from + ", " + to + ")");
            }
        }
        int[] f = new int[labels.length];
        int[] t = new int[labels.length];
        Arrays.fill(f, from);
        Arrays.fill(t, to);
        float[][] copy = Arrays.stream(inputs).map(float[]::clone).toArray(float[][]::new);
        return new TextExamples(width, copy, labels.clone(), f, t);
    }

    @Override
    public int count() {
        return labels.length;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    /** Width of a token row (384). */
    public int width() {
        return width;
    }

    /** Number of tokens of text i. */
    public int tokens(int i) {
        return inputs[i].length / width;
    }

    /** The first label text i may be given. */
    public int from(int i) {
        return from[i];
    }

    /** One past the last label text i may be given. */
    public int to(int i) {
        return to[i];
    }

    /** The token rows of text i, without a copy (callers never write them). */
    float[] rows(int i) {
        return inputs[i];
    }

    /** Texts {@code [a, b)}. */
    public TextExamples range(int a, int b) {
        return new TextExamples(
                width,
                Arrays.copyOfRange(inputs, a, b),
                Arrays.copyOfRange(labels, a, b),
                Arrays.copyOfRange(from, a, b),
                Arrays.copyOfRange(to, a, b));
    }

    /** These texts followed by {@code other}'s. */
    public TextExamples concat(TextExamples other) {
        if (other.width != width) {
            throw new IllegalArgumentException("token rows of " + width + " and " + other.width);
        }
        return new TextExamples(
                width,
                concat(inputs, other.inputs),
                concat(labels, other.labels),
                concat(from, other.from),
                concat(to, other.to));
    }

    /** The same texts with new labels, each in {@code [0, classes)} (a router's task indices). */
    public TextExamples relabeled(int[] newLabels, int classes) {
        if (newLabels.length != labels.length) {
            throw new IllegalArgumentException(newLabels.length + " labels for " + labels.length + " texts");
        }
        int[] f = new int[labels.length];
        int[] t = new int[labels.length];
        Arrays.fill(t, classes);
        return new TextExamples(width, inputs, newLabels.clone(), f, t);
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
