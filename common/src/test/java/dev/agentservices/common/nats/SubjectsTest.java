package dev.agentservices.common.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.WebhookSource;
import org.junit.jupiter.api.Test;

class SubjectsTest {

    @Test
    void subjectsFollowTheContract() {
        assertEquals("webhooks.buck.slack", Subjects.webhook("buck", WebhookSource.SLACK));
        assertEquals("webhooks.dolly.interactivity", Subjects.webhook("dolly", WebhookSource.INTERACTIVITY));
        assertEquals("runner.buck.01J0ABC.3.complete", Subjects.runner("buck", "01J0ABC", 3, "complete"));
        assertEquals(new Subjects.RunnerSubject("buck", "01J0ABC", 3, "complete"),
                Subjects.parseRunner("runner.buck.01J0ABC.3.complete").orElseThrow());
        assertEquals(new Subjects.RunnerSubject("buck", "01J0ABC", 0, "end"), Subjects.parseRunner("runner.buck.01J0ABC.end").orElseThrow());
        assertTrue(Subjects.parseRunner("runner.buck.01J0ABC.x.complete").isEmpty());
        assertTrue(Subjects.parseRunner("runner.buck").isEmpty());
        assertEquals("control.buck.01J0ABC.terminate", Subjects.control("buck", "01J0ABC", "terminate"));
        assertEquals("deadletter.webhooks.buck.jira", Subjects.deadletter("webhooks.buck.jira"));
    }

    @Test
    void tokensThatWouldChangeTheSubjectAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Subjects.webhook("buck.x", WebhookSource.SLACK));
        assertThrows(IllegalArgumentException.class, () -> Subjects.runner("buck", "*", 1, "complete"));
        assertThrows(IllegalArgumentException.class, () -> Subjects.control("buck", "a b", "pause"));
        assertThrows(IllegalArgumentException.class, () -> Subjects.control("buck", "", "pause"));
        assertThrows(IllegalArgumentException.class, () -> Subjects.control("buck", "é", "pause"));
        assertThrows(IllegalArgumentException.class, () -> Subjects.webhook(null, WebhookSource.SLACK));
        assertEquals("control.Buck_1-x.01J0ABC.pause", Subjects.control("Buck_1-x", "01J0ABC", "pause"));
    }
}
