package org.loralgebra.kotlin

/**
 * The one marker of every LoRAlgebra builder ([MergeBuilder], [ClusterBuilder], [OrthogonalizeBuilder],
 * [ContinualMergeBuilder], [UnlearnBuilder], [RouteBuilder]): inside a nested block, an outer builder's settings cannot
 * be set by accident.
 */
@DslMarker annotation class LoraDsl
