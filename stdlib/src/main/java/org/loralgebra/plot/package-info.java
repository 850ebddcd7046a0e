/**
 * Figures of the analyses (spectra, layer heatmaps, subspace similarity, interference, intruders, routing load) built
 * with Lets-Plot in Kotlin, exported as self-contained SVG, PNG or HTML without any network access.
 */
package org.loralgebra.plot;
