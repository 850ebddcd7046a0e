@file:JvmName("Bakes")

package org.loralgebra.kotlin

import java.nio.file.Path
import org.loralgebra.Adapter
import org.loralgebra.stdlib.bake.Bake
import org.loralgebra.stdlib.bake.BakeReport

/*
 * Baking in Kotlin: org.loralgebra.stdlib.bake.Bake as one call.
 *
 *   val report = merged.bakeInto("models/distilbert", "out/distilbert-merged")
 */

/** Writes the base model in [baseModelDir] with this adapter baked in (W + ΔW) to [out] (see [Bake]). */
fun Adapter.bakeInto(baseModelDir: Path, out: Path): BakeReport = Bake.of(baseModelDir, this).save(out)

/** Writes the base model in [baseModelDir] with this adapter baked in (W + ΔW) to [out] (see [Bake]). */
fun Adapter.bakeInto(baseModelDir: String, out: String): BakeReport = bakeInto(Path.of(baseModelDir), Path.of(out))
