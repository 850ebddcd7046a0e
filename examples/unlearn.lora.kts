// Targeted unlearning in weight space (MAAT's weight-space phases) on the real DistilBERT adapters: a model
// adapter that knows both tasks (FORGET + RETAIN) forgets FORGET's task while RETAIN's output subspace is protected.
//
//   lora run examples/unlearn.lora.kts [FORGET RETAIN [OUT_FOLDER [PRUNE_RANK=4 [PRUNING=energy]]]]
//
// The unlearning update is −λ·(FORGET's top PRUNE_RANK singular directions, with RETAIN's top-8 output subspace
// removed). Prints the recipe and its report (energy removed per module; overlap with RETAIN's subspace
// before → after), then per module how much of FORGET's update the model still holds (⟨W' − ΔW_R, ΔW_F⟩/‖ΔW_F‖²:
// 1 before) and the smallest principal angle between the update and RETAIN's output subspace (90°: nothing of
// RETAIN was touched). Saves the unlearned model adapter to OUT_FOLDER when one is given.
import java.util.Locale
import org.loralgebra.stdlib.unlearn.Pruning

val forgetTask = Lora.load(args.getOrElse(0) { "examples/adapters/distilbert-imdb" })
val retainTask = Lora.load(args.getOrElse(1) { "examples/adapters/distilbert-emotion" })
val model = forgetTask + retainTask

// Inside the block, `retain` and `onto` are the settings' properties (hence other names for the locals).
val recipe = unlearn(forgetTask) {
    retain = retainTask
    lambda = 1.0
    protectRank = 8
    pruneRank = args.getOrElse(3) { "4" }.toInt()
    pruning = Pruning.parse(args.getOrElse(4) { "energy" })
    onto = model
}
println(recipe)
println(recipe.report())

val unlearned = recipe.adapter()
val angles = recipe.update().anglesTo(retainTask, Side.OUTPUT, 8)

// Inner products per module by polarization, ⟨x, y⟩ = (‖x + y‖² − ‖x − y‖²)/4, from factored spectra (‖·‖² = Σσ²):
// no dense out×in matrix is formed.
fun squaredNorms(a: Adapter): Map<String, Double> = a.spectrum().values().mapValues { (_, s) -> s.sumOf { it * it } }
fun inner(x: Adapter, y: Adapter): Map<String, Double> {
    val plus = squaredNorms(x + y)
    val minus = squaredNorms(x - y)
    return plus.mapValues { (m, p) -> (p - minus.getValue(m)) / 4 }
}
val held = inner(unlearned - retainTask, forgetTask)
val energy = squaredNorms(forgetTask)

println("module forget_left min_angle_to_retain")
for (module in forgetTask.modules()) {
    val left = held.getValue(module) / energy.getValue(module)
    val angle = angles.module(module).get().smallestDegrees()
    println(module + String.format(Locale.ROOT, " %.4f %.2f", left, angle))
}
if (args.size >= 3) {
    unlearned.save(args[2])
    println("saved ${recipe.ontoAdapter().get().label()} minus the unlearning update to ${args[2]}")
}
