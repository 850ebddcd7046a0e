package org.loralgebra.jupyter.runtime

/**
 * Lets the kernel's Kotlin 1.8.20 compiler start on JDK 25 and later.
 *
 * That compiler asks IntelliJ's `JavaVersion.current()` which JDK it runs on before it compiles anything, and the
 * parser behind it rejects feature versions from 25 on: every cell then fails with `IllegalArgumentException: 25.0.3`
 * (KT-73967; fixed in Kotlin 2.2.20, which no Kotlin Jupyter kernel on Maven Central carries). `current()` caches its
 * answer in a static field, so this seeds that field with the running JDK's own version, composed from
 * [Runtime.version] (nothing is guessed), before the compiler first asks. Where the parser accepts the JDK (17–24),
 * nothing is touched.
 */
internal object CompilerJavaVersion {
    private const val JAVA_VERSION_CLASS = "org.jetbrains.kotlin.com.intellij.util.lang.JavaVersion"

    /** Seeds the cache where the compiler's parser would reject this JDK; returns whether it did. */
    fun seedIfUnparsable(): Boolean {
        val type = Class.forName(JAVA_VERSION_CLASS)
        val parse = type.getMethod("parse", String::class.java)
        try {
            parse.invoke(null, System.getProperty("java.version"))
            return false
        } catch (e: java.lang.reflect.InvocationTargetException) {
            if (e.cause !is IllegalArgumentException) throw e
        }
        val v = Runtime.version()
        val compose =
            type.getMethod(
                "compose",
                Int::class.javaPrimitiveType,
                Int::class.javaPrimitiveType,
                Int::class.javaPrimitiveType,
                Int::class.javaPrimitiveType,
                Boolean::class.javaPrimitiveType,
            )
        val version = compose.invoke(null, v.feature(), v.interim(), v.update(), v.build().orElse(0), v.pre().isPresent)
        val current = type.getDeclaredField("current")
        current.isAccessible = true
        current.set(null, version)
        return true
    }
}
