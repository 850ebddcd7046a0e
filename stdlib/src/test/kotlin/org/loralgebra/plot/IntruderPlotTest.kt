package org.loralgebra.plot

import java.nio.file.Path
import kotlin.math.pow
import kotlin.math.sqrt
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.loralgebra.Adapter
import org.loralgebra.Lora
import org.loralgebra.config.PeftConfig
import org.loralgebra.io.safetensors.SafetensorsWriter
import org.loralgebra.model.AdapterFormat
import org.loralgebra.model.AdapterMeta
import org.loralgebra.model.InMemoryAdapter
import org.loralgebra.model.ModuleSpec
import org.loralgebra.model.StoredModule
import org.loralgebra.stdlib.analysis.IntruderDimensions
import org.loralgebra.tensor.DType
import org.loralgebra.tensor.Tensor

/**
 * Intruders with a known answer. Each base weight is diagonal, W = diag(10·0.8^i) [24, 20], so its left singular
 * vectors are e₀…e₁₉. A planted update s·x·e_kᵀ with k a weak input direction (k = 19, 18) and x = 0.3·e_k +
 * √0.91·e_{20+…} (outside the base's range) gives W + ΔW a top singular vector along W's column k plus s·x, whose best
 * cosine with the base vectors is about 0.31 < ε: exactly one intruder per planted direction.
 */
class IntruderPlotTest {
    @TempDir lateinit var dir: Path

    private val out = 24
    private val inputs = 20

    /** Planted directions per layer: attn.q gets layer % 3, mlp.up gets 1 on even layers. */
    private fun planted(type: String, layer: Int) = if (type == "attn.q") layer % 3 else if (layer % 2 == 0) 1 else 0

    private fun fixture(): Pair<Path, Adapter> {
        val weights = LinkedHashMap<String, Tensor>()
        val modules = LinkedHashMap<String, StoredModule>()
        for (layer in 0 until 6) {
            for (type in listOf("attn.q", "mlp.up")) {
                val name = "model.layers.$layer.$type"
                val w = DoubleArray(out * inputs)
                for (i in 0 until inputs) w[i * inputs + i] = 10 * 0.8.pow(i)
                weights["$name.weight"] = Tensor.ofDoubles(DType.F32, longArrayOf(out.toLong(), inputs.toLong()), w)
                val b = DoubleArray(out * 2)
                val a = DoubleArray(2 * inputs)
                for (p in 0 until planted(type, layer)) {
                    val k = inputs - 1 - p
                    val s = 15.0 - 2 * p
                    b[k * 2 + p] = s * 0.3
                    b[(inputs + p) * 2 + p] = s * sqrt(1 - 0.09)
                    a[p * inputs + k] = 1.0
                }
                val spec = ModuleSpec.linear(name, out, inputs, 2, DType.F32)
                modules[name] =
                    StoredModule.of(
                        spec,
                        Tensor.ofDoubles(DType.F32, longArrayOf(2, inputs.toLong()), a),
                        Tensor.ofDoubles(DType.F32, longArrayOf(out.toLong(), 2), b),
                        1.0,
                    )
            }
        }
        val base = dir.resolve("model.safetensors")
        SafetensorsWriter.write(base, mapOf("format" to "pt"), weights)
        val meta =
            AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(2, 2.0, "diagonal"),
                "base_model.model.",
                mapOf(),
                mapOf("format" to "pt"),
            )
        return base to Lora.from(InMemoryAdapter("planted", "diagonal", meta, modules))
    }

    @Test
    fun countsPerLayerAreThePlantedDirections() {
        val (base, adapter) = fixture()
        val intruders = IntruderDimensions.of(base, adapter)
        val expected = (0 until 6).associateWith { planted("attn.q", it) + planted("mlp.up", it) }
        assertEquals(expected, intruders.countsByLayer())
        for (m in intruders.modules()) {
            assertEquals(planted(m.name().type(), m.name().layer().asInt), m.count(), m.toString())
            for (j in 0 until m.count()) {
                assertEquals(0.3 / sqrt(0.09 + 0.91), m.maxCosine()[j], 0.02, "${m.module()} u'$j")
            }
        }

        val plot = IntruderPlot.of(intruders)
        val svg = PlotChecks.svg(plot)
        PlotChecks.assertLabels(svg, "Intruder dimensions of planted", "layer", "intruder dimensions")
        assertEquals(
            listOf(
                "top-10 singular vectors of W + ΔW with max |cos| < 0.5",
                "against all base singular vectors; 9 in total",
            ),
            PlotChecks.texts(svg, "plot-subtitle"),
        )
        assertEquals(listOf("module type"), PlotChecks.texts(svg, "legend-title"))
        assertEquals(listOf("attn.q", "mlp.up"), PlotChecks.texts(svg, "legend-item"))
        assertEquals((0 until 6).map { it.toString() }, PlotChecks.texts(svg, "axis-text-x"))
        val bars = PlotChecks.bars(svg).filter { it.getAttribute("height").toDouble() > 0.5 }
        assertEquals(intruders.modules().count { it.count() > 0 }, bars.size, "a bar segment per module with intruders")
        val unit = bars.minOf { it.getAttribute("height").toDouble() }
        assertEquals(
            9.0,
            bars.sumOf { it.getAttribute("height").toDouble() } / unit,
            1e-6,
            "stacked heights add up to the total",
        )
        PlotChecks.writePng(plot, "intruders")
    }
}
