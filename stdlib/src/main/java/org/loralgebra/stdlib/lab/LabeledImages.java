package org.loralgebra.stdlib.lab;

import java.util.Arrays;

/**
 * Images with their class labels: {@code count} images of {@code pixels} values each, row-major in
 * {@code values} (intensities in [0, 1]), and one label per image. Immutable: arrays are copied in and out.
 */
public final class LabeledImages implements Examples {
    private final int count;
    private final int pixels;
    private final float[] values;
    private final int[] labels;

    /** Images from row-major values (count × pixels) and labels (copied). */
    public LabeledImages(int pixels, float[] values, int[] labels) {
        if (pixels <= 0 || values.length != (long) pixels * labels.length) {
            throw new IllegalArgumentException(labels.length + " images of " + pixels + " pixels need "
                    + (long) pixels * labels.length + " values, got " + values.length);
        }
        this.count = labels.length;
        this.pixels = pixels;
        this.values = values.clone();
        this.labels = labels.clone();
    }

    /** Number of images. */
    @Override
    public int count() {
        return count;
    }

    /** Values per image. */
    public int pixels() {
        return pixels;
    }

    /** The row-major values (a copy). */
    public float[] values() {
        return values.clone();
    }

    /** The labels (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    /** Label of image i. */
    @Override
    public int label(int i) {
        return labels[i];
    }

    /** The images at the given indices, in that order. */
    public LabeledImages subset(int[] indices) {
        float[] v = new float[indices.length * pixels];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(values, indices[k] * pixels, v, k * pixels, pixels);
            l[k] = labels[indices[k]];
        }
        return new LabeledImages(pixels, v, l);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive). */
    public LabeledImages range(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IllegalArgumentException("range " + from + ".." + to + " of " + count + " images");
        }
        return new LabeledImages(
                pixels, Arrays.copyOfRange(values, from * pixels, to * pixels), Arrays.copyOfRange(labels, from, to));
    }

    /** Every image transformed into the given domain, labels kept. */
    public LabeledImages in(ImageDomain domain) {
        float[] v = new float[values.length];
        float[] image = new float[pixels];
        for (int i = 0; i < count; i++) {
            System.arraycopy(values, i * pixels, image, 0, pixels);
            System.arraycopy(domain.apply(image), 0, v, i * pixels, pixels);
        }
        return new LabeledImages(pixels, v, labels);
    }

    /** These images followed by the others. */
    public LabeledImages concat(LabeledImages other) {
        if (other.pixels != pixels) {
            throw new IllegalArgumentException("cannot join images of " + pixels + " and " + other.pixels + " pixels");
        }
        float[] v = Arrays.copyOf(values, values.length + other.values.length);
        System.arraycopy(other.values, 0, v, values.length, other.values.length);
        int[] l = Arrays.copyOf(labels, count + other.count);
        System.arraycopy(other.labels, 0, l, count, other.count);
        return new LabeledImages(pixels, v, l);
    }

    /** The same images with other labels (one per image). */
    public LabeledImages relabeled(int[] newLabels) {
        return new LabeledImages(pixels, values, newLabels);
    }
}
