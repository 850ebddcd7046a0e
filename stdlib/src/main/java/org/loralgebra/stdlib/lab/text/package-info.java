/**
 * The text suite of the evaluation lab: all-MiniLM-L6-v2 (a 6-layer BERT sentence encoder) read from its Maven
 * artifact's ONNX file with its weights under Hugging Face names ({@link org.loralgebra.stdlib.lab.text.MiniLmWeights}),
 * its WordPiece tokenizer ({@link org.loralgebra.stdlib.lab.text.WordPieceTokenizer}) and its forward pass on ND4J
 * ({@link org.loralgebra.stdlib.lab.text.MiniLm}); and the texts, read from installed Debian and npm packages
 * ({@link org.loralgebra.stdlib.lab.text.TextCorpora}). The suite built on them is
 * {@link org.loralgebra.stdlib.lab.TextSuite}.
 */
package org.loralgebra.stdlib.lab.text;
