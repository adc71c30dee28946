package dev.agentservices.gateway.github;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MentionsTest {

    @Test
    void handleIsFoundAsAWordInAnyCase() {
        assertTrue(Mentions.mentions("@bucky please", "bucky"));
        assertTrue(Mentions.mentions("thanks (@Bucky)", "bucky"));
        assertTrue(Mentions.mentions("first line\n@bucky: second", "bucky"));
    }

    @Test
    void longerHandlesEmailsAndQuotesAreNotMentions() {
        assertFalse(Mentions.mentions("@buckyball is a molecule", "bucky"));
        assertFalse(Mentions.mentions("mail bucky@acme.dev or me@bucky", "bucky"));
        assertFalse(Mentions.mentions("> @bucky did this\nagreed", "bucky"));
        assertFalse(Mentions.mentions(null, "bucky"));
    }
}
