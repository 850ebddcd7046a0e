package org.loralgebra.kotlin

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.loralgebra.Lora
import org.loralgebra.stdlib.unlearn.Pruning
import org.loralgebra.stdlib.unlearn.Unlearn

/** `unlearn(forget) { … }` builds the same recipe as the Java API. */
class UnlearnDslTest {
    private val imdb = Lora.load(OrthogonalizeDslTest.adapter("distilbert-imdb"))
    private val emotion = Lora.load(OrthogonalizeDslTest.adapter("distilbert-emotion"))

    @Test
    fun builderMatchesTheJavaRecipe() {
        val k =
            unlearn(imdb) {
                retain = emotion
                lambda = 0.5
                protectRank = 8
                pruneRank = 4
                pruning = Pruning.leastRetainOverlap()
            }
        val j =
            Unlearn.of(imdb)
                .retain(emotion)
                .lambda(0.5)
                .protectRank(8)
                .pruneRank(4)
                .pruning(Pruning.leastRetainOverlap())
        assertEquals(j.update(), k.update())
        assertEquals(j.toString(), k.toString())
        val onto =
            unlearn(imdb) {
                retain = emotion
                onto = emotion
            }
        assertEquals(emotion.plus(Unlearn.of(imdb).retain(emotion).update()), onto.adapter())
        assertEquals(Unlearn.of(imdb).update(), unlearn(imdb).update(), "defaults: no retain, λ = 1, everything")
    }
}
