package org.loralgebra.stdlib.lab.text;

/**
 * Where the text suite reads its texts: SpamAssassin (npm), fortunes (Debian) and WordNet glosses (Debian).
 *
 * @param spamAssassin the spam and ham e-mails
 * @param fortunes the quotations by topic
 * @param wordNet the glosses by lexicographer file
 */
public record TextCorpora(SpamAssassin spamAssassin, Fortunes fortunes, WordNetGlosses wordNet) {
    /** The installed packages (each checked when first read; a missing one is an error naming it). */
    public static TextCorpora installed() {
        return new TextCorpora(SpamAssassin.installed(), Fortunes.installed(), WordNetGlosses.installed());
    }
}
