/**
 * Hub-scale analysis: statistics, pairwise similarity and rank-unit clustering of thousands of adapters, on Apache
 * Spark ({@link org.loralgebra.hub.SparkHub}) and on one machine without Spark ({@link org.loralgebra.hub.HubAnalysis}),
 * which compute the same rows (the same doubles) from the same per-adapter and per-block functions.
 */
package org.loralgebra.hub;
