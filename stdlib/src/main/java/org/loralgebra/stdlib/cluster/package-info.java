/**
 * LoRA-LEGO (Zhao et al., "Merging LoRAs like Playing LEGO: Pushing the Modularity of LoRA to Extremes Through
 * Rank-Wise Clustering", ICLR 2025): adapters taken apart into rank units, the units clustered, the centroids
 * assembled into a merged adapter. Entry point: {@link org.loralgebra.stdlib.cluster.Cluster}.
 */
package org.loralgebra.stdlib.cluster;
