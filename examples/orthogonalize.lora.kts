// Orthogonal methods on the real DistilBERT adapters: subspace angles, orthogonalization, FedSVD and continual
// merging by orthogonal projection (OPCM).
//
//   lora run examples/orthogonalize.lora.kts [ADAPTER OTHER [OUT_FOLDER [RANK=4]]]
//
// 1. Principal angles between ADAPTER's and OTHER's output subspaces, per module.
// 2. ADAPTER with OTHER's top-RANK output subspace removed: how much of ADAPTER's energy was inside it before
//    and after (≈ 0), and the angles after (90°).
// 3. FedSVD of the result: the same update (relative change ‖ΔW_fed − ΔW‖/‖ΔW‖ printed) with A = Vᵀ.
// 4. OPCM of ADAPTER and OTHER in both orders: λ, and the cosine of the merged update with each task's update.
// Saves the orthogonalized adapter to OUT_FOLDER when one is given.
import java.util.Locale

val adapter = Lora.load(args.getOrElse(0) { "examples/adapters/distilbert-imdb" })
val other = Lora.load(args.getOrElse(1) { "examples/adapters/distilbert-emotion" })
val k = args.getOrElse(3) { "4" }.toInt()

println(adapter.anglesTo(other))

val clean = adapter.orthogonalize(other) { side = Side.OUTPUT; rank = k }
println(adapter.orthogonalizationReport(other) { side = Side.OUTPUT; rank = k })

// Norms and inner products of whole adapters from factored spectra (‖x‖² = Σ over modules of Σσ²;
// ⟨x, y⟩ = (‖x + y‖² − ‖x − y‖²)/4): no dense out×in matrix is formed.
fun squaredNorm(a: Adapter): Double = a.spectrum().values().values.sumOf { s -> s.sumOf { it * it } }
fun cosine(x: Adapter, y: Adapter): Double =
    (squaredNorm(x + y) - squaredNorm(x - y)) / (4 * Math.sqrt(squaredNorm(x) * squaredNorm(y)))

val fed = clean.fedSvd()
println(String.format(Locale.ROOT, "FedSVD re-factorization: relative change of the update %.2e",
    Math.sqrt(squaredNorm(fed - clean) / squaredNorm(clean))))

for ((first, second) in listOf(adapter to other, other to adapter)) {
    val merge = continualMerge(first, second)
    print(merge)
    println(String.format(Locale.ROOT, "  cos with %s %.4f, with %s %.4f", adapter.label(), cosine(merge.adapter(), adapter),
        other.label(), cosine(merge.adapter(), other)))
}
if (args.size >= 3) {
    clean.save(args[2])
    println("saved ${clean.label()} to ${args[2]}")
}
