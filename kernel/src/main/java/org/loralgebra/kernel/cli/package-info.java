/**
 * The {@code lora} command line: {@link org.loralgebra.kernel.cli.Main} (picocli), one class per verb listed in
 * {@link org.loralgebra.kernel.cli.Verbs}, and the error policy in {@link org.loralgebra.kernel.cli.ExitCodes}.
 *
 * <p>Bad input ({@link org.loralgebra.lang.LoraException} and its subclasses, unreadable files) prints
 * {@code lora: error: <message>} and exits with {@link org.loralgebra.kernel.cli.ExitCodes#INPUT}; usage mistakes
 * exit with {@link org.loralgebra.kernel.cli.ExitCodes#USAGE}. Stack traces only with {@code --stacktrace} or
 * {@code LORA_STACKTRACE=1}.
 */
package org.loralgebra.kernel.cli;
