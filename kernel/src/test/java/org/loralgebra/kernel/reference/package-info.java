/**
 * A pure-Java test backend ({@code reference}, double precision, no native code): what the class-path test runs the
 * engine on with ND4J and OpenBLAS taken off the class path. Registered only through the folder
 * {@code reference-backend/} of the test resources, which that test adds to the forked JVM's class path.
 */
package org.loralgebra.kernel.reference;
