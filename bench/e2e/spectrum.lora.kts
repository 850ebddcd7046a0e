// The end-to-end benchmark's script: every module's singular values of the adapter in args[0], as `lora spectrum`
// computes them (factored), and their count. `lora bench` times `lora run` of it once it is cached.
val a = Lora.load(args[0])
println("${a.spectrum().values().size} modules")
