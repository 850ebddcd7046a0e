// The singular values of every module's update ΔW = scale·B·A, printed and plotted.
//
//   lora run examples/spectrum.lora.kts ADAPTER_FOLDER PLOT_FILE
//
// Prints the adapter's module table, then one line per module: its name and its singular values,
// largest first. PLOT_FILE (.svg, .png or .html) gets σ_i against i, one line per module.
import java.nio.file.Path
import java.util.Locale

require(args.size == 2) { "usage: lora run spectrum.lora.kts ADAPTER_FOLDER PLOT_FILE" }
val adapter = Lora.load(args[0])
print(adapter.summary().toText())

val spectrum = adapter.spectrum().values()
for ((module, sigma) in spectrum) {
    println(module + " " + sigma.joinToString(" ") { String.format(Locale.ROOT, "%.9g", it) })
}

val data = mapOf(
    "i" to spectrum.values.flatMap { sigma -> (1..sigma.size).toList() },
    "sigma" to spectrum.values.flatMap { it.toList() },
    "module" to spectrum.flatMap { (module, sigma) -> List(sigma.size) { module } },
)
val plot = letsPlot(data) + geomLine(alpha = 0.5) { x = "i"; y = "sigma"; group = "module" } +
    ggtitle("Spectra of ${adapter.label()}") + xlab("index i") + ylab("singular value σ_i")
PlotExport.save(plot, Path.of(args[1]))
