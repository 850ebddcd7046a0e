"""The numpy peer of LoRAlgebra's benchmark (`lora bench`, issue 9).

What a careful numpy user would write to do adapter algebra on PEFT LoRA folders without LoRAlgebra:
a small safetensors reader and writer (:mod:`lorapeer.safetensors_io`), a PEFT folder reader and writer
(:mod:`lorapeer.peft_io`), and the benchmarked operations, factored wherever the math allows
(:mod:`lorapeer.factored`, :mod:`lorapeer.ties`, :mod:`lorapeer.cluster`, :mod:`lorapeer.route`).
``bench/peer_numpy.py`` is the command line that times them.

Notation: ``A`` is ``[r, in]``, ``B`` is ``[out, r]``, ``s`` the module's scale, and the update is
``dW = s * B @ A`` (``[out, in]``).
"""
