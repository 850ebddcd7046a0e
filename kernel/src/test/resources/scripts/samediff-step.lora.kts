// One SameDiff training step (Adam, lr 0.1, from w = 0): each weight moves by 0.1 against its gradient's sign.
// It needs commons-io 2.x on the class path (IOUtils.toString(InputStream, Charset)).
import org.apache.commons.io.IOUtils
import org.nd4j.autodiff.samediff.SameDiff
import org.nd4j.autodiff.samediff.TrainingConfig
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.dataset.DataSet
import org.nd4j.linalg.factory.Nd4j
import org.nd4j.linalg.learning.config.Adam

println(IOUtils.toString("commons-io 2".byteInputStream(), Charsets.UTF_8))
val sd = SameDiff.create()
val x = sd.placeHolder("x", DataType.FLOAT, -1, 2)
val y = sd.placeHolder("y", DataType.FLOAT, -1, 1)
val w = sd.`var`("w", Nd4j.zeros(DataType.FLOAT, 2, 1))
sd.loss.meanSquaredError("loss", y, x.mmul(w), null)
sd.trainingConfig = TrainingConfig.Builder().updater(Adam(0.1)).dataSetFeatureMapping("x").dataSetLabelMapping("y").build()
val features = Nd4j.createFromArray(arrayOf(floatArrayOf(1f, 0f), floatArrayOf(0f, 1f)))
val labels = Nd4j.createFromArray(arrayOf(floatArrayOf(1f), floatArrayOf(-1f)))
sd.fit(DataSet(features, labels))
val v = sd.getVariable("w").arr.toFloatVector()
println("w=%.4f,%.4f".format(v[0], v[1]))
