package org.loralgebra.stdlib;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** An expected output kept as a UTF-8 test resource beside the test that reads it. */
public final class ExpectedText {
    private ExpectedText() {}

    /** The text of resource {@code name} in {@code near}'s package; fails naming it where it is missing. */
    public static String of(Class<?> near, String name) throws IOException {
        try (InputStream in = near.getResourceAsStream(name)) {
            assertNotNull(in, "test resource " + name + " beside " + near.getName());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
