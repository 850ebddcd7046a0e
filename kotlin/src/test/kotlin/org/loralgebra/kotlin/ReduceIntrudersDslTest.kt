package org.loralgebra.kotlin

import java.nio.file.Path
import java.util.Random
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.loralgebra.Lora
import org.loralgebra.io.safetensors.SafetensorsWriter
import org.loralgebra.stdlib.analysis.ReduceIntruders
import org.loralgebra.tensor.DType
import org.loralgebra.tensor.Tensor

/** `reduceIntruders(base, adapter) { … }` builds the same operation as the Java API and reduces the same. */
class ReduceIntrudersDslTest {
    @TempDir lateinit var tmp: Path

    private val imdb = Lora.load(OrthogonalizeDslTest.adapter("distilbert-imdb")).select("**.layer.0.attention.q_lin")

    @Test
    fun builderMatchesTheJavaOperation() {
        val rnd = Random(5)
        val w = DoubleArray(768 * 768) { rnd.nextGaussian() * 0.03 }
        val base = tmp.resolve("model.safetensors")
        SafetensorsWriter.write(
            base,
            mapOf(),
            mapOf(
                "distilbert.transformer.layer.0.attention.q_lin.weight" to
                    Tensor.ofDoubles(DType.F32, longArrayOf(768, 768), w)
            ),
        )
        val k =
            reduceIntruders(base.toString(), imdb) {
                topK = 6
                epsilon = 0.6
                lambda = 0.25
            }
        val j = ReduceIntruders.of(base, imdb).topK(6).epsilon(0.6).lambda(0.25)
        assertEquals(j.toString(), k.toString())
        assertEquals(j.report().toJson(), k.report().toJson())
        val m = "distilbert.transformer.layer.0.attention.q_lin"
        assertArrayEquals(j.adapter().dense(m).toArray(), k.adapter().dense(m).toArray(), 0.0)
        assertEquals(ReduceIntruders.DEFAULT_LAMBDA, reduceIntruders(base, imdb).lambda())
    }
}
