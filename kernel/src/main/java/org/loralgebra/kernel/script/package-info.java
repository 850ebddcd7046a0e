/** {@code lora run NAME.lora.kts}: Kotlin scripts with the language imported, compiled and run in process. */
package org.loralgebra.kernel.script;
