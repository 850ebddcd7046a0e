package org.loralgebra.stdlib.lab.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.lang.LoraException;

/** The text readers on small files written here, and their errors when a package is missing. */
class TextCorporaTest {
    @TempDir
    Path tmp;

    @Test
    void fortunesAreSplitOnPercentLines() throws Exception {
        Files.writeString(tmp.resolve("topic"), "A short\n  one.\n%\nAnother\t-- Someone\n%\n");
        assertEquals(
                List.of("A short one.", "Another -- Someone"), Fortunes.in(tmp).topic("topic"));
    }

    @Test
    void aMissingFortuneFileNamesTheDebianPackage() {
        LoraException e =
                assertThrows(LoraException.class, () -> Fortunes.in(tmp).topic("science"));
        assertTrue(e.getMessage().contains("apt-get install fortunes"), e.getMessage());
    }

    @Test
    void wordNetGlossesAreReadByLexicographerFileWithoutExamples() throws Exception {
        Files.writeString(
                tmp.resolve("data.noun"),
                "  1 This software and database is being provided\n"
                        + "00015388 03 n 01 animal 0 000 | a living organism; \"an example\"\n"
                        + "01466257 05 n 01 chordate 0 000 | any animal of the phylum Chordata; \"x\"\n"
                        + "01468712 05 n 01 vertebrate 0 000 | animals having a bony spinal column\n");
        assertEquals(
                List.of("any animal of the phylum Chordata", "animals having a bony spinal column"),
                WordNetGlosses.in(tmp).glosses("noun", 5));
        LoraException e =
                assertThrows(LoraException.class, () -> WordNetGlosses.in(tmp).glosses("verb", 38));
        assertTrue(e.getMessage().contains("apt-get install wordnet-base"), e.getMessage());
    }

    @Test
    void anEmailIsItsSubjectAndBodyWithoutTags() {
        String raw = "From: a@b\r\nSubject: Cheap  pills\r\nTo: c@d\r\n\r\n<html><b>Buy</b> now!\n</html>";
        assertEquals("Cheap pills Buy now!", SpamAssassin.message(raw));
    }

    @Test
    void theDatasetsFolderFollowsTheEnvironment() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/d"), SpamAssassin.datasetsFolder(Map.of("LORALGEBRA_DATASETS", "/d"), home));
        assertEquals(
                Path.of("/x/loralgebra/datasets"), SpamAssassin.datasetsFolder(Map.of("XDG_DATA_HOME", "/x"), home));
        assertEquals(Path.of("/home/u/.local/share/loralgebra/datasets"), SpamAssassin.datasetsFolder(Map.of(), home));
    }
}
