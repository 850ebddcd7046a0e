/**
 * Baking an adapter into a base model's safetensors weights: W ← W + ΔW, shard by shard, the layout and index
 * kept. Entry point: {@link org.loralgebra.stdlib.bake.Bake}.
 */
package org.loralgebra.stdlib.bake;
