// The end-to-end benchmark's start-up script: one line, nothing computed. `lora bench` times `lora run` of it once it
// is cached, against `lora inspect` in the same run (CONTRACTS.md: a cached script starts within 2× of inspect).
println("started")
