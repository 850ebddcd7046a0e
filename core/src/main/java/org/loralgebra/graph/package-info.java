/**
 * The lazy expression graph: immutable nodes ({@link org.loralgebra.graph.Node}, sealed), each typed when built and
 * evaluated module by module; operations over them are {@link org.loralgebra.graph.NodeVisitor}s, so a new kind of node
 * is handled everywhere or does not compile. Module kernels ({@link org.loralgebra.graph.ModuleKernel}) are the
 * extension point of the standard library.
 */
package org.loralgebra.graph;
