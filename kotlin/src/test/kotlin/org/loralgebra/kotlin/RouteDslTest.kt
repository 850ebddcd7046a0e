package org.loralgebra.kotlin

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.loralgebra.Lora
import org.loralgebra.io.safetensors.SafetensorsWriter
import org.loralgebra.lang.LoraException
import org.loralgebra.stdlib.route.Activations
import org.loralgebra.stdlib.route.Execution
import org.loralgebra.stdlib.route.Gate
import org.loralgebra.stdlib.route.Route
import org.loralgebra.stdlib.route.Weighting
import org.loralgebra.tensor.DType
import org.loralgebra.tensor.Tensor

/** The Kotlin builder makes the same routes as the Java API and routes the same outputs. */
class RouteDslTest {
    @TempDir lateinit var tmp: Path

    private val repo: Path =
        generateSequence(Path.of("").toAbsolutePath()) { it.parent }
            .first { it.resolve("examples/adapters").toFile().isDirectory }
    private val imdb = Lora.load(repo.resolve("examples/adapters/distilbert-imdb"))
    private val emotion = Lora.load(repo.resolve("examples/adapters/distilbert-emotion"))
    private val q = "distilbert.transformer.layer.0.attention.q_lin"

    @Test
    fun builderSettingsReachTheRoute() {
        val file = tmp.resolve("p.safetensors")
        val centroids = Activations.gaussian(2, 768, 1).tensor()
        SafetensorsWriter.write(file, mapOf(), mapOf("prototypes" to centroids))
        val mix =
            route(imdb, emotion) {
                gate = prototypes(file.toString())
                topK = 1
                weighting = Weighting.SOFTMAX
                execution = Execution.MASKED
            }
        assertEquals(1, mix.topK().get())
        assertEquals(Weighting.SOFTMAX, mix.weighting())
        assertEquals(Execution.MASKED, mix.execution())
        val x = Activations.gaussian(16, 768, 2)
        val java =
            Route.of(imdb, emotion)
                .gate(Gate.prototypes(centroids))
                .topK(1)
                .weighting(Weighting.SOFTMAX)
                .execution(Execution.MASKED)
                .apply(q, x)
        assertArrayEquals(java.outputValues(), mix(q, x).outputValues())
        assertArrayEquals(java.outputValues(), mix.prepare(q)(x).outputValues())
    }

    @Test
    fun arrowGateReachesTheRoute() {
        val mix =
            route(imdb, emotion) {
                gate = arrow(temperature = 0.5, gks = listOf(emotion), powerIterations = 15, seed = 3)
                topK = 1
            }
        val java =
            Route.of(imdb, emotion).gate(Gate.arrow().temperature(0.5).gks(emotion).powerIterations(15, 3)).topK(1)
        assertEquals(java.gate(), mix.gate())
        assertEquals(Weighting.SOFTMAX, mix.weighting())
        val x = Activations.gaussian(16, 768, 4)
        assertArrayEquals(java.apply(q, x).outputValues(), mix(q, x).outputValues())
        assertEquals(Gate.arrow(), route(imdb) { gate = arrow() }.gate())
    }

    @Test
    fun ranksDefaultToTheImplicitRouter() {
        val smora = routeRanks(imdb) { topK = 3 }
        assertEquals(Gate.fly(), smora.gate())
        assertEquals(Execution.AUTO, smora.execution())
        assertEquals(Execution.MASKED, smora.prepare(q).execution())
        assertEquals(true, smora.rankExperts())
        val y = smora(q, Activations.gaussian(8, 768, 3))
        assertEquals(8L * 3, y.stats().load().sum())
    }

    @Test
    fun topKIsRequired() {
        val e = assertThrows(LoraException::class.java) { route(listOf(imdb, emotion)) { gate = fly }.prepare(q) }
        assertEquals(true, e.message!!.contains("top-k is not set"), e.message)
    }

    @Test
    fun activationsFromAFile() {
        val file = tmp.resolve("x.safetensors")
        val t = Tensor.ofFloats(DType.F32, longArrayOf(2, 3), floatArrayOf(1f, 2f, 3f, 4f, 5f, 6f))
        SafetensorsWriter.write(file, mapOf(), mapOf("x" to t, "y" to t))
        assertEquals(3, activations(file.toString(), "y").`in`())
    }
}
