// A weighted blend of two adapters: w·A + (1 − w)·B, saved as a PEFT folder.
//
//   lora run examples/blend.lora.kts ADAPTER_A ADAPTER_B OUT_FOLDER [W=0.5]
//
// The sum is exact (ranks add); the saved adapter's update is w·ΔW_A + (1 − w)·ΔW_B per module.
require(args.size in 3..4) { "usage: lora run blend.lora.kts ADAPTER_A ADAPTER_B OUT_FOLDER [W]" }
val w = if (args.size == 4) args[3].toDouble() else 0.5
val a = Lora.load(args[0])
val b = Lora.load(args[1])
val blend = w * a + (1 - w) * b
blend.save(args[2])
println("saved ${blend.label()} to ${args[2]}")
