// Quick start: the real adapters in examples/adapters, looked at and combined.
//
//   ./lora run examples/quickstart.lora.kts [OUT_FOLDER]
//
// Prints what the two DistilBERT adapters hold, the spectrum of one module, the plan of a merge (before and
// after the planner's rewrites), then squeezes the merge back to rank 8 and saves it (default out/quickstart,
// replaced on every run: save refuses to replace an existing adapter unless asked to).
import java.nio.file.Path
import java.util.Locale

val out = if (args.isNotEmpty()) args[0] else "out/quickstart"
val imdb = Lora.load("examples/adapters/distilbert-imdb")
val emotion = Lora.load("examples/adapters/distilbert-emotion")
print(imdb.summary().toText())

val q0 = "distilbert.transformer.layer.0.attention.q_lin"
val sigma = imdb.spectrum().module(q0)
println("σ($q0) = " + sigma.joinToString(" ") { String.format(Locale.ROOT, "%.4g", it) })

// a sum stays factored (rank concatenation); nothing runs until save. The 0·imdb term is there to show the
// planner at work: the plan below collects it away before fusing the truncation of the sum into one QR-SVD.
val merged = (imdb + 0.5 * emotion - imdb.times(0.0)).truncate(Rank.of(8))
print(merged.plan().explain())

merged.save(Path.of(out), SaveOptions.defaults().withOverwrite(true))
val back = Lora.load(out)
val err = back.dense(q0).minus(imdb.plus(emotion.times(0.5)).dense(q0)).frobeniusNorm()
val norm = imdb.plus(emotion.times(0.5)).dense(q0).frobeniusNorm()
println(String.format(Locale.ROOT, "saved %s: %d modules, rank %d; relative error of the rank-8 merge on %s: %.3g",
    out, back.modules().size, back.module(q0).rank(), q0, err / norm))
