// Loads an adapter folder that does not exist (line 2).
val a = Lora.load(args[0])
