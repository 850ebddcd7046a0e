// LoRA-LEGO: the rank units of every adapter clustered into K units per module, saved as a PEFT folder.
//
//   lora run examples/cluster.lora.kts K OUT_FOLDER ADAPTER ADAPTER...
//
// Prints, per module, the relative error against the exact sum Σ ΔW_i of the LEGO merge and of the rank-K
// truncated SVD of the sum (the best rank-K approximation: Eckart–Young's bound, which no rank-K merge beats).
import java.util.Locale

require(args.size >= 3) { "usage: lora run cluster.lora.kts K OUT_FOLDER ADAPTER ADAPTER..." }
val k = args[0].toInt()
val adapters = args.drop(2).map { Lora.load(it) }

val lego = cluster(*adapters.toTypedArray(), k = k) { seed = 0 }
val sum = Lora.sum(*adapters.toTypedArray())
val best = sum.truncate(Rank.of(k))

println("module lego_vs_sum svd_vs_sum")
for (module in lego.modules()) {
    val exact = sum.dense(module)
    val legoError = lego.dense(module).minus(exact).frobeniusNorm() / exact.frobeniusNorm()
    val svdError = best.dense(module).minus(exact).frobeniusNorm() / exact.frobeniusNorm()
    println(module + String.format(Locale.ROOT, " %.6f %.6f", legoError, svdError))
}
lego.save(args[1])
println("saved ${lego.label()} (rank ≤ $k) to ${args[1]}")
