/**
 * Hugging Face PEFT adapter folders: the key grammar ({@link org.loralgebra.io.peft.PeftKeys}), the config and
 * its per-module rank/alpha rules ({@link org.loralgebra.io.peft.PeftConfig}), the reader
 * ({@link org.loralgebra.io.peft.PeftFolder}) and writer ({@link org.loralgebra.io.peft.PeftFolderWriter}), the
 * config saved with a set of modules ({@link org.loralgebra.io.peft.ConfigFit}), and JSON printed as PEFT prints
 * it ({@link org.loralgebra.io.peft.PythonJson}).
 */
package org.loralgebra.io.peft;
