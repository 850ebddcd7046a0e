/**
 * The front ends shared by the command line, scripts, the REPL and notebooks: the imports every session starts with.
 */
package org.loralgebra.kernel;
