/**
 * Jupyter: the kernelspec that runs the Kotlin Jupyter kernel with LoRAlgebra on its class path
 * ({@code lora jupyter install}), and the notebook integration that imports the language and renders its values.
 */
package org.loralgebra.kernel.jupyter;
