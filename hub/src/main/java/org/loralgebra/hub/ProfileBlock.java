package org.loralgebra.hub;

import java.io.Serializable;
import java.util.List;

/**
 * A block of consecutive adapters of the input, {@code [block·size, (block+1)·size)}: the unit of work of the pairwise
 * similarity (each task takes one pair of blocks, so that no task holds more than two blocks).
 *
 * @param block    the block's number
 * @param indices  each profile's position in the input, ascending
 * @param profiles the profiles, in the same order
 */
public record ProfileBlock(int block, List<Integer> indices, List<AdapterProfile> profiles) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ProfileBlock {
        indices = List.copyOf(indices);
        profiles = List.copyOf(profiles);
        if (indices.size() != profiles.size()) {
            throw new IllegalArgumentException(
                    "block " + block + ": " + indices.size() + " indices for " + profiles.size() + " profiles");
        }
    }

    /** The number of adapters. */
    public int size() {
        return profiles.size();
    }
}
