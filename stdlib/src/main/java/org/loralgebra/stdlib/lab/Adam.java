package org.loralgebra.stdlib.lab;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba 2015) on a set of ND4J arrays updated in place: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − η·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); β₁ = 0.9, β₂ = 0.999, ε = 1e−8. Mutable state of one
 * training run.
 */
final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final INDArray[] params;
    private final INDArray[] m;
    private final INDArray[] v;
    private final double learningRate;
    private int step;

    Adam(double learningRate, INDArray... params) {
        this.params = params;
        this.learningRate = learningRate;
        this.m = new INDArray[params.length];
        this.v = new INDArray[params.length];
        for (int i = 0; i < params.length; i++) {
            m[i] = Nd4j.zeros(params[i].dataType(), params[i].shape());
            v[i] = Nd4j.zeros(params[i].dataType(), params[i].shape());
        }
    }

    /** One step with one gradient per parameter, in the constructor's order. */
    void step(INDArray... grads) {
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < params.length; i++) {
            INDArray g = grads[i].reshape(params[i].shape());
            m[i].muli(BETA1).addi(g.mul(1 - BETA1));
            v[i].muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
            INDArray denom = Transforms.sqrt(v[i].div(c2), false).addi(EPSILON);
            params[i].subi(m[i].div(c1).divi(denom).muli(learningRate));
        }
    }
}
