/** {@code lora repl}: an interactive Kotlin session with the language imported, on the scripting host. */
package org.loralgebra.kernel.repl;
