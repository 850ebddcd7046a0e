/**
 * How LoRAlgebra writes its JSON results (analyses, reports, {@code --json} output), in one place
 * ({@link org.loralgebra.stdlib.json.ReportJson}): keys in insertion order, NaN and infinities as {@code null},
 * numbers as Java prints doubles, pretty printed with a two-space indent.
 */
package org.loralgebra.stdlib.json;
