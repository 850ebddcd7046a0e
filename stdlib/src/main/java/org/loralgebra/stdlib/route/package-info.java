/**
 * Routing: mixtures of LoRA experts applied to a batch of activations of one module.
 *
 * <p>{@link org.loralgebra.stdlib.route.Route#adapters} makes each adapter an expert (X-LoRA, MeteoRA,
 * LoRA-Mixer with frozen adapters); {@link org.loralgebra.stdlib.route.Route#ranks} makes each rank of one adapter
 * an expert (SMoRA, FlyLoRA). A {@link org.loralgebra.stdlib.route.Gate} scores tokens against experts — a linear
 * router read from a file or fitted by softmax regression, FlyLoRA's parameter-free implicit router, cosine
 * to per-expert prototypes, or Arrow's spectral prototypes (with GenKnowSub) — each token keeps its top k, weighed by a
 * {@link org.loralgebra.stdlib.route.Weighting}, and the mixture runs batched: grouped by expert as multi-adapter
 * servers run it ({@link org.loralgebra.stdlib.route.Execution#GROUPED}), or as masked dense products, which
 * {@link org.loralgebra.stdlib.route.Execution#AUTO} prefers on CPUs until experts are very many. A
 * {@link org.loralgebra.stdlib.route.Routing} holds the output, the selection and {@link org.loralgebra.stdlib.route.RoutingStats} (load, entropy, balance).
 *
 * <p>Array work goes through {@code RouteArrays}, chosen by the run's backend: ND4J directly
 * ({@code Nd4jRouteArrays}, the tuned CPU path) when the backend is ND4J's, else the backend itself
 * ({@code BackendRouteArrays}: products by {@code Backend.matmul}, gathers, scatter-adds and elementwise maps on host
 * arrays), so routing runs where ND4J is absent (the GPU bundle). Selecting the top k and grouping tokens by expert
 * are integer bookkeeping in Java over the {@code [tokens, experts]} scores; no product is computed per token.
 */
package org.loralgebra.stdlib.route;
