package org.loralgebra.kernel.repl

import java.io.File
import java.io.IOException
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import java.nio.file.Files
import java.nio.file.Path
import java.util.zip.ZipFile

/**
 * The names a session's default imports bring in, found on the class path: the classes of each imported package (`p.*`)
 * and the top-level functions of its Kotlin file facades (the classes Kotlin's metadata marks as such, `FooKt` or named
 * by `@file:JvmName`). Read once, on first use.
 *
 * @param packages the star imports, as `org.loralgebra.*`
 * @param classpath the jars and class folders to look in
 */
class ImportedNames(packages: List<String>, private val classpath: List<Path>) {
    private val folders = packages.map { it.removeSuffix(".*").replace('.', '/') + "/" }.toSet()

    /** Simple class name to its binary name (`Lora` to `org.loralgebra.Lora`); the first package on the path wins. */
    private val classes: Map<String, String> by lazy { scan() }

    /** The simple names of the imported Kotlin file facades. */
    private val facades: Set<String> by lazy {
        classes.filterValues { binaryName -> load(binaryName)?.let { isFacade(it) } ?: false }.keys
    }

    /** The top-level functions of the imported packages (their facades' public static methods). */
    private val functions: List<Method> by lazy {
        facades
            .mapNotNull { classNamed(it) }
            .flatMap { facade -> facade.methods.filter { Modifier.isStatic(it.modifiers) && !it.name.contains('$') } }
    }

    /** The simple names: classes (without facades) and top-level functions. */
    fun names(): Set<String> =
        LinkedHashSet<String>().apply {
            classes.keys.filterNotTo(this) { it in facades }
            functions.mapTo(this) { it.name }
        }

    /** The imported class named [simpleName], or null. */
    fun classNamed(simpleName: String): Class<*>? = classes[simpleName]?.let { load(it) }

    /** The imported top-level functions whose first parameter accepts a [receiver] (extension functions). */
    fun extensionsOf(receiver: Class<*>): List<Method> = functions.filter {
        it.parameterCount > 0 && it.parameterTypes[0].isAssignableFrom(receiver)
    }

    /** Whether Kotlin's metadata marks [type] as a file facade (kind 2) or a multi-file facade (kind 4). */
    private fun isFacade(type: Class<*>): Boolean {
        val kind = type.getAnnotation(Metadata::class.java)?.kind
        return kind == FILE_FACADE || kind == MULTIFILE_FACADE
    }

    private fun load(binaryName: String): Class<*>? =
        try {
            Class.forName(binaryName, false, ImportedNames::class.java.classLoader)
        } catch (e: ClassNotFoundException) {
            null
        } catch (e: LinkageError) {
            null
        }

    private fun scan(): Map<String, String> {
        val found = LinkedHashMap<String, String>()
        for (entry in classpath) {
            try {
                if (Files.isDirectory(entry)) {
                    for (folder in folders) {
                        val dir = entry.resolve(folder)
                        if (!Files.isDirectory(dir)) continue
                        Files.list(dir).use { files ->
                            files.forEach { add(found, folder + it.fileName.toString()) }
                        }
                    }
                } else if (Files.isRegularFile(entry)) {
                    ZipFile(entry.toFile()).use { zip ->
                        val names = zip.entries()
                        while (names.hasMoreElements()) {
                            add(found, names.nextElement().name)
                        }
                    }
                }
            } catch (e: IOException) {
                // an unreadable class path entry gives no names
            }
        }
        return found
    }

    private fun add(found: MutableMap<String, String>, entry: String) {
        if (!entry.endsWith(".class") || entry.contains('$')) return
        val slash = entry.lastIndexOf('/')
        if (entry.substring(0, slash + 1) !in folders) return
        val simple = entry.substring(slash + 1).removeSuffix(".class")
        if (simple == "package-info" || simple == "module-info") return
        found.putIfAbsent(simple, entry.removeSuffix(".class").replace('/', '.'))
    }

    companion object {
        private const val FILE_FACADE = 2
        private const val MULTIFILE_FACADE = 4

        /** The entries of this JVM's class path (`java.class.path`). */
        @JvmStatic
        fun jvmClasspath(): List<Path> =
            System.getProperty("java.class.path", "")
                .split(File.pathSeparator)
                .filter { it.isNotEmpty() }
                .map {
                    Path.of(it)
                }
    }
}
