package org.loralgebra.stdlib.lab;

/**
 * A domain of 28×28 images: a fixed transformation of the original pixels that keeps the class. The tasks of the
 * Fashion-MNIST suite are the same ten classes seen in four domains.
 */
public enum ImageDomain {
    /** The images as they are. */
    ORIGINAL("original"),
    /** Rotated 90° clockwise: out(r, c) = in(27 − c, r). */
    ROTATED("rotated"),
    /** Flipped upside down: out(r, c) = in(27 − r, c). */
    FLIPPED("flipped"),
    /** Inverted intensities: out = 1 − in. */
    INVERTED("inverted"),
    /** Shifted right by 14 columns, cyclically: out(r, c) = in(r, (c − 14) mod 28). */
    SHIFTED("shifted");

    /** Side of the square images. */
    public static final int SIDE = 28;

    private final String id;

    ImageDomain(String id) {
        this.id = id;
    }

    /** The domain's name in reports and task names. */
    public String id() {
        return id;
    }

    /** One transformed image (28×28, row-major); the input is not modified. */
    public float[] apply(float[] image) {
        if (image.length != SIDE * SIDE) {
            throw new IllegalArgumentException(
                    "image domain " + id + ": expected " + SIDE * SIDE + " pixels, got " + image.length);
        }
        float[] out = new float[image.length];
        for (int r = 0; r < SIDE; r++) {
            for (int c = 0; c < SIDE; c++) {
                out[r * SIDE + c] = switch (this) {
                    case ORIGINAL -> image[r * SIDE + c];
                    case ROTATED -> image[(SIDE - 1 - c) * SIDE + r];
                    case FLIPPED -> image[(SIDE - 1 - r) * SIDE + c];
                    case INVERTED -> 1f - image[r * SIDE + c];
                    case SHIFTED -> image[r * SIDE + Math.floorMod(c - SIDE / 2, SIDE)];
                };
            }
        }
        return out;
    }
}
