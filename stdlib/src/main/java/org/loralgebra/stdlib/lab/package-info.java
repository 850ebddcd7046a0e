/**
 * The evaluation lab: real models trained in-process, tasks made from real data, LoRA adapters trained on each
 * task and saved as PEFT folders, and the evaluation of any {@link org.loralgebra.Adapter} expression on those
 * tasks (accuracy per task, with the base and the individual adapters as references).
 *
 * <p>A {@link org.loralgebra.stdlib.lab.Suite} holds a base {@link org.loralgebra.stdlib.lab.Model} and its
 * {@link org.loralgebra.stdlib.lab.Task}s; {@link org.loralgebra.stdlib.lab.Evaluation} measures an adapter on them;
 * experiments such as {@link org.loralgebra.stdlib.lab.MergeExperiment} run over several seeds and report means
 * with standard errors. The suites are Fashion-MNIST under four image domains
 * ({@link org.loralgebra.stdlib.lab.FashionMnistSuite}) and three text tasks on all-MiniLM-L6-v2
 * ({@link org.loralgebra.stdlib.lab.TextSuite}, its model in {@link org.loralgebra.stdlib.lab.text}).
 */
package org.loralgebra.stdlib.lab;
