package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.session.SessionMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as a member's confirmation of a run that would act on outsiders' text: the word alone, not in passing. */
class ConfirmationTest {

    @Test
    void confirmAloneBesideMentionsConfirms() {
        for (String text : List.of("@bucky confirm", "confirm", "<@U0BUCK> Confirmed.", "@bucky confirm!", "  CONFIRM  ")) {
            assertTrue(TurnDecision.confirms(message(text)), text);
        }
    }

    @Test
    void confirmInPassingDoesNot() {
        for (String text : List.of("@bucky can you confirm the bug?", "I confirm nothing", "unconfirmed", "@bucky do it, confirm later",
                "@bucky")) {
            assertFalse(TurnDecision.confirms(message(text)), text);
        }
    }

    private static SessionMessage message(String text) {
        return new SessionMessage("ana", text, List.of(), Instant.now());
    }
}
