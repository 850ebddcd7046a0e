// Two adapters merged with TIES, truncated to rank 4, looked at and saved: the script of the README.
//   ./lora run examples/readme.lora.kts [OUT]      (default out/readme-ties, replaced on every run)
import java.nio.file.Path

val imdb = Lora.load("examples/adapters/distilbert-imdb")
val emotion = Lora.load("examples/adapters/distilbert-emotion")

val merged = merge(imdb, emotion) {
    method = TIES
    density = 0.5
}
val small = merged.truncate(Rank.of(4))

for ((module, sigma) in small.spectrum().values()) {
    println("$module  σ₁ = ${sigma[0]}")
}

val out = args.firstOrNull() ?: "out/readme-ties"
small.save(Path.of(out), SaveOptions.defaults().withOverwrite(true))
println("saved ${small.label()} (${small.modules().size} modules, rank 4) to $out")
