package org.loralgebra.kernel.script

import java.io.File
import java.io.IOException
import java.nio.channels.FileChannel
import java.nio.file.AtomicMoveNotSupportedException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.StandardOpenOption
import java.nio.file.attribute.BasicFileAttributes
import java.security.MessageDigest
import java.util.zip.ZipException
import java.util.zip.ZipInputStream
import kotlin.script.experimental.api.CompiledScript
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.SourceCode
import kotlin.script.experimental.host.toScriptSource
import kotlin.script.experimental.jvm.CompiledJvmScriptsCache
import kotlin.script.experimental.jvm.impl.KJvmCompiledScript
import kotlin.script.experimental.jvmhost.loadScriptFromJar
import kotlin.script.experimental.jvmhost.saveToJar

/**
 * Compiled `.lora.kts` scripts kept on disk, so that a script run again unchanged starts without the Kotlin compiler.
 * An entry is a jar named by the SHA-256 of the script's file name and text, the [classpath] it compiles against (each
 * entry's path, size and modification time, files of class folders included) and the Kotlin version, in [directory].
 * Entries are written atomically (a temporary file, forced to disk, then renamed); one that is unreadable, fails its
 * CRC checks or names a class path entry that is gone is ignored, deleted and rebuilt. Nothing else is ever deleted.
 */
class ScriptCache(private val directory: Path, private val classpath: List<Path>) : CompiledJvmScriptsCache {
    /** The class path part of every key, computed once. */
    private val classpathStamp: ByteArray by lazy { stamp(classpath) }

    override fun get(
        script: SourceCode,
        scriptCompilationConfiguration: ScriptCompilationConfiguration,
    ): CompiledScript? = load(script)

    /**
     * [script] compiled, when this cache holds it intact; null otherwise (a damaged entry is deleted). The key does not
     * depend on a compilation configuration, so a cached script is found without building one.
     */
    fun load(script: SourceCode): CompiledScript? {
        val jar = entry(script)
        if (!Files.isRegularFile(jar)) return null
        val loaded =
            try {
                if (intact(jar)) jar.toFile().loadScriptFromJar(checkMissingDependencies = true) else null
            } catch (e: IOException) {
                null
            } catch (e: RuntimeException) {
                null
            }
        if (loaded == null) {
            try {
                Files.deleteIfExists(jar)
            } catch (e: IOException) {
                // rebuilt and replaced by the next store
            }
        }
        return loaded
    }

    override fun store(
        compiledScript: CompiledScript,
        script: SourceCode,
        scriptCompilationConfiguration: ScriptCompilationConfiguration,
    ) {
        val compiled = compiledScript as? KJvmCompiledScript ?: return
        val jar = entry(script)
        var temporary: Path? = null
        try {
            Files.createDirectories(directory)
            temporary = Files.createTempFile(directory, jar.fileName.toString(), ".tmp")
            compiled.saveToJar(temporary.toFile())
            FileChannel.open(temporary, StandardOpenOption.WRITE).use { it.force(true) }
            try {
                Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
            } catch (e: AtomicMoveNotSupportedException) {
                Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING)
            }
            temporary = null
        } catch (e: IOException) {
            // a cache that cannot be written costs the next run a compilation, nothing more
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary)
                } catch (e: IOException) {
                    // left behind: a *.tmp that no lookup reads
                }
            }
        }
    }

    /** Whether this cache has an entry for the script file [script] as it reads now (its entry is not opened). */
    fun holds(script: Path): Boolean = Files.isRegularFile(entry(script.toFile().toScriptSource()))

    /** The jar that holds, or would hold, [script] compiled. */
    fun entry(script: SourceCode): Path = directory.resolve(key(script) + ".jar")

    /** The cache key of [script]: hex SHA-256 of its name and text, the class path stamp and the Kotlin version. */
    fun key(script: SourceCode): String {
        val digest = MessageDigest.getInstance("SHA-256")
        digest.update("loralgebra script cache 1\n".toByteArray())
        digest.update("kotlin ${KotlinVersion.CURRENT}\n".toByteArray())
        digest.update("name ${script.name?.substringAfterLast('/') ?: ""}\n".toByteArray())
        digest.update(script.text.toByteArray())
        digest.update(classpathStamp)
        return digest.digest().joinToString("") { "%02x".format(it) }
    }

    companion object {
        /**
         * The per-user cache folder: the system property `loralgebra.cacheDir`, else `$XDG_CACHE_HOME/loralgebra`, else
         * `~/.cache/loralgebra`; scripts go in its `scripts` folder.
         */
        @JvmStatic
        fun defaultDirectory(): Path {
            val explicit = System.getProperty("loralgebra.cacheDir")
            val xdg = System.getenv("XDG_CACHE_HOME")
            val root =
                when {
                    !explicit.isNullOrBlank() -> Path.of(explicit)
                    !xdg.isNullOrBlank() && Path.of(xdg).isAbsolute -> Path.of(xdg, "loralgebra")
                    else -> Path.of(System.getProperty("user.home"), ".cache", "loralgebra")
                }
            return root.resolve("scripts")
        }

        /** A cache in [defaultDirectory] for scripts compiled against this JVM's class path. */
        @JvmStatic
        fun forThisJvm(): ScriptCache =
            ScriptCache(
                defaultDirectory(),
                System.getProperty("java.class.path", "")
                    .split(File.pathSeparator)
                    .filter { it.isNotEmpty() }
                    .map {
                        Path.of(it)
                    },
            )

        /** Path, size and modification time of every class path entry, and of every file under a class folder. */
        private fun stamp(classpath: List<Path>): ByteArray {
            val text = StringBuilder()
            for (entry in classpath) {
                val absolute = entry.toAbsolutePath().normalize()
                try {
                    if (Files.isDirectory(absolute)) {
                        Files.walk(absolute).use { files ->
                            files.filter { Files.isRegularFile(it) }.sorted().forEach { text.append(describe(it)) }
                        }
                    } else {
                        text.append(describe(absolute))
                    }
                } catch (e: IOException) {
                    text.append(absolute).append(" unreadable\n")
                }
            }
            return text.toString().toByteArray()
        }

        private fun describe(file: Path): String =
            try {
                val attributes = Files.readAttributes(file, BasicFileAttributes::class.java)
                "$file ${attributes.size()} ${attributes.lastModifiedTime().toMillis()}\n"
            } catch (e: IOException) {
                "$file absent\n"
            }

        /** Whether every entry of [jar] reads to its end with a matching CRC. */
        private fun intact(jar: Path): Boolean =
            try {
                ZipInputStream(Files.newInputStream(jar)).use { zip ->
                    var entries = 0
                    val buffer = ByteArray(8192)
                    while (zip.nextEntry != null) {
                        while (zip.read(buffer) >= 0) {
                            // reading to the end checks the entry's CRC
                        }
                        entries++
                    }
                    entries > 0
                }
            } catch (e: ZipException) {
                false
            } catch (e: IOException) {
                false
            }
    }
}
