// A PEFT-style merge of two or more adapters with equal weights, saved as a PEFT folder.
//
//   lora run examples/merge.lora.kts METHOD DENSITY OUT_FOLDER ADAPTER ADAPTER...
//
// METHOD is one of PEFT's combination types (linear, cat, svd, ties, ties_svd, dare_linear, dare_ties,
// dare_linear_svd, dare_ties_svd, magnitude_prune, magnitude_prune_svd) or task_arithmetic / mergekit_ties /
// mergekit_dare_ties / mergekit_dare_linear; DENSITY is the fraction the pruning methods keep (ignored by the
// others). Prints the plan, then per module the relative distance of the merge from the exact average
// (1/N)·Σ ΔW_i, and saves the merge.
import java.util.Locale
import org.loralgebra.stdlib.merge.Method

require(args.size >= 4) { "usage: lora run merge.lora.kts METHOD DENSITY OUT_FOLDER ADAPTER ADAPTER..." }
val chosen = Method.parse(args[0])
val adapters = args.drop(3).map { Lora.load(it) }
val n = adapters.size

val merged = merge(adapters) {
    method = chosen
    weights = List(n) { 1.0 / n }
    if (chosen.prunes()) density = args[1].toDouble()
    seed = 0
}
merged.explain()

val average = Lora.sum(DoubleArray(n) { 1.0 / n }, *adapters.toTypedArray())
for (module in merged.modules()) {
    val exact = average.dense(module)
    val distance = merged.dense(module).minus(exact).frobeniusNorm() / exact.frobeniusNorm()
    println(module + " " + String.format(Locale.ROOT, "%.6f", distance))
}
merged.save(args[2])
println("saved ${merged.label()} to ${args[2]}")
