@file:JvmName("Routes")

package org.loralgebra.kotlin

import java.nio.file.Path
import org.loralgebra.Adapter
import org.loralgebra.stdlib.route.Activations
import org.loralgebra.stdlib.route.ArrowGate
import org.loralgebra.stdlib.route.Execution
import org.loralgebra.stdlib.route.Gate
import org.loralgebra.stdlib.route.ModuleRoute
import org.loralgebra.stdlib.route.Route
import org.loralgebra.stdlib.route.Routing
import org.loralgebra.stdlib.route.Weighting

/*
 * Routing in Kotlin: a builder over org.loralgebra.stdlib.route.Route.
 *
 *   val mix = route(imdb, emotion) { gate = prototypes("centroids.safetensors"); topK = 1 }
 *   val y = mix("distilbert.transformer.layer.0.attention.q_lin", activations("x.safetensors"))
 *   val smora = routeRanks(adapter) { gate = linear("router.safetensors"); topK = 4 }
 *   val arrow = route(tasks) { gate = arrow(gks = listOf(general)); topK = 2 }
 */

/** Settings of a [Route]; unset ones keep the Java defaults (gate fly, the gate's weighting, execution auto). */
@LoraDsl
class RouteBuilder internal constructor() {
    /** The gate (default: FlyLoRA's implicit router). */
    var gate: Gate = Gate.fly()

    /** Experts per token (required). */
    var topK: Int? = null

    /** How selected experts are weighed (default: the gate's). */
    var weighting: Weighting? = null

    /** How the mixture is computed (default: [Execution.AUTO]). */
    var execution: Execution? = null

    /** FlyLoRA's implicit router. */
    val fly: Gate
        get() = Gate.fly()

    /** A linear router read from a safetensors file. */
    fun linear(file: String): Gate = Gate.linear(Path.of(file))

    /** Prototypes (per-expert centroids) read from a safetensors file. */
    fun prototypes(file: String): Gate = Gate.prototypes(Path.of(file))

    /**
     * Arrow routing ([org.loralgebra.stdlib.route.ArrowGate]): `gate = arrow(temperature = 0.5, gks =
     * listOf(general))`; exact prototypes unless [powerIterations] > 0 (PEFT's approximation, started from [seed]).
     */
    fun arrow(
        temperature: Double = ArrowGate.DEFAULT_TEMPERATURE,
        gks: List<Adapter> = emptyList(),
        powerIterations: Int = 0,
        seed: Long = 0,
    ): ArrowGate {
        var g = Gate.arrow().temperature(temperature).powerIterations(powerIterations, seed)
        if (gks.isNotEmpty()) g = g.gks(gks)
        return g
    }

    internal fun applyTo(start: Route): Route {
        var r = start.gate(gate)
        topK?.let { r = r.topK(it) }
        weighting?.let { r = r.weighting(it) }
        execution?.let { r = r.execution(it) }
        return r
    }
}

/** Each adapter an expert: `route(a, b, c) { gate = linear("router.safetensors"); topK = 2 }`. */
fun route(vararg experts: Adapter, configure: RouteBuilder.() -> Unit): Route =
    RouteBuilder().apply(configure).applyTo(Route.of(*experts))

/** Each adapter of the list an expert. */
fun route(experts: List<Adapter>, configure: RouteBuilder.() -> Unit): Route =
    RouteBuilder().apply(configure).applyTo(Route.of(experts))

/** Each rank of [adapter] an expert (SMoRA, FlyLoRA): `routeRanks(a) { topK = 4 }`. */
fun routeRanks(adapter: Adapter, configure: RouteBuilder.() -> Unit): Route =
    RouteBuilder().apply(configure).applyTo(Route.ofRanks(adapter))

/** `mix(module, x)`: routes a batch through one module ([Route.apply]). */
operator fun Route.invoke(module: String, x: Activations): Routing = this.apply(module, x)

/** `q(x)`: routes a batch through a prepared module ([ModuleRoute.apply]). */
operator fun ModuleRoute.invoke(x: Activations): Routing = this.apply(x)

/** Activations [tokens, in] read from a safetensors file (its one tensor, or [tensor]). */
fun activations(file: String, tensor: String? = null): Activations =
    if (tensor == null) Activations.read(Path.of(file)) else Activations.read(Path.of(file), tensor)
