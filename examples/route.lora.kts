// Routing: tokens between two adapters, and between the ranks of one adapter.
//
//   lora run examples/route.lora.kts [ADAPTER_A ADAPTER_B [MODULE [OUT.safetensors]]]
//
// With no model at hand the tokens are synthetic: noisy copies of each adapter's top input direction (the right
// singular vector its update amplifies most, an Arrow-style prototype), labelled with their adapter. The script
// routes them three ways — by those prototypes, by a gate fitted on the labels, and rank by rank through one
// adapter (FlyLoRA's implicit router) — and prints where the tokens went.
import java.nio.file.Path
import java.util.Random
import org.loralgebra.stdlib.route.*
import org.loralgebra.tensor.DType
import org.loralgebra.tensor.Tensor

val a = Lora.load(args.getOrElse(0) { "examples/adapters/distilbert-imdb" })
val b = Lora.load(args.getOrElse(1) { "examples/adapters/distilbert-emotion" })
val module = args.getOrElse(2) { "distilbert.transformer.layer.0.attention.q_lin" }
val experts = listOf(a, b)
val width = a.module(module).`in`()

// Each adapter's top input direction in this module: column 0 of V in ΔW = U·S·Vᵀ.
val directions = experts.map { e -> val v = e.decompose().module(module).v(); DoubleArray(width) { v.get(it, 0) } }

// 64 tokens per adapter: 3 × its direction + N(0, 0.05²) noise in every feature.
val perAdapter = 64
val rnd = Random(7)
val labels = IntArray(2 * perAdapter) { it / perAdapter }
val values = FloatArray(labels.size * width) { i -> (3 * directions[labels[i / width]][i % width] + 0.05 * rnd.nextGaussian()).toFloat() }
val tokens = Activations.of(labels.size, width, values)

fun accuracy(r: Routing) = labels.indices.count { r.selection().expert(it, 0) == labels[it] } * 100.0 / labels.size

// 1. Training-free: cosine to each adapter's direction, nearest adapter only.
val prototypes = Tensor.ofDoubles(DType.F32, longArrayOf(2, width.toLong()), directions[0] + directions[1])
val byPrototype = route(experts) { gate = Gate.prototypes(prototypes); topK = 1 }(module, tokens)
println("by prototypes: %.1f%% of tokens to their own adapter".format(accuracy(byPrototype)))
println(byPrototype.stats())

// 2. A linear gate fitted on the labelled tokens (softmax regression, seeded), both adapters mixed by its softmax.
val fitted = Gate.fit(tokens, labels, 2)
println(fitted)
val byGate = route(experts) { gate = fitted.gate(); topK = 2 }(module, tokens)
println("by the fitted gate: %.1f%% of tokens weigh their own adapter most".format(accuracy(byGate)))

// 3. SMoRA/FlyLoRA: the ranks of one adapter as experts, two per token, chosen by |a_jᵀx|.
val byRank = routeRanks(a) { topK = 2 }(module, tokens)
println(byRank.stats())

args.getOrNull(3)?.let { out ->
    byGate.save(Path.of(out))
    println("wrote $out: output [${byGate.tokens()}, ${byGate.out()}], expert_load [2]")
}
