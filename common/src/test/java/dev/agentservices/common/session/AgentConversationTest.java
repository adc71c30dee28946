package dev.agentservices.common.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConversationTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Usage USED = new Usage(100, 20, 0.0006);

    private static AgentConversation.Event person(String text) {
        return new AgentConversation.Event(AgentConversation.PERSON, text);
    }

    @Test
    void anEventIsSealedIntoTheNextCallOnceAndAgainNotAtAll() {
        AgentConversation once = AgentConversation.empty().withEvent("e1", person("hi")).sealed();
        assertEquals(1, once.pendingCall());
        assertEquals(List.of(new ModelMessage(ModelMessage.USER, List.of(ModelBlock.text("hi")), 1)), once.messages());
        assertSame(once, once.withEvent("e1", person("hi")), "the same event twice changes nothing");
    }

    @Test
    void eventsWhileACallIsPendingOrItsActionsAreNotDoneWaitForTheNextCall() {
        AgentConversation pending = AgentConversation.empty().withEvent("e1", person("first")).sealed()
                .withEvent("e2", person("second")).sealed();
        assertEquals(1, pending.pendingCall());
        assertEquals(1, pending.inbox().size());

        AgentConversation answered = pending.withAnswer(1, List.of(ModelBlock.text("ok")), USED, NOW);
        assertEquals(0, answered.pendingCall(), "not sealed before the answer's actions are carried out");
        AgentConversation next = answered.withActed(1).sealed();
        assertEquals(2, next.pendingCall());
        assertEquals(List.of(ModelBlock.text("second")), next.messages().get(2).content());
        assertEquals(USED, next.usage());
    }

    @Test
    void aRunsOutcomeAnswersStartRunAndAPersonsMessageAnswersAsk() {
        AgentConversation asked = AgentConversation.empty().withEvent("e1", person("go")).sealed()
                .withAnswer(1, List.of(ModelBlock.toolUse("t1", "start_run", Map.of("instructions", "fix it")),
                        ModelBlock.toolUse("t2", "ask", Map.of("question", "sure?")), ModelBlock.toolUse("t3", "reply",
                                Map.of("text", "on it"))), USED, NOW)
                .withActed(1).withResult(ModelBlock.toolResult("t3", "Posted in the conversation.", false));

        AgentConversation next = asked.withEvent("e2", new AgentConversation.Event(AgentConversation.OUTCOME, "fixed"))
                .withEvent("e3", person("yes")).sealed();
        assertEquals(List.of(ModelBlock.toolResult("t1", "fixed", false), ModelBlock.toolResult("t2", "yes", false),
                ModelBlock.toolResult("t3", "Posted in the conversation.", false)), next.messages().get(2).content());
        assertTrue(next.inbox().isEmpty());
        assertTrue(next.results().isEmpty());
    }

    @Test
    void aPersonsMessageWhileTheRunWorksSaysSoAndAnUnknownToolIsAnError() {
        AgentConversation running = AgentConversation.empty().withEvent("e1", person("go")).sealed()
                .withAnswer(1, List.of(ModelBlock.toolUse("t1", "start_run", Map.of()), ModelBlock.toolUse("t2", "deploy", Map.of())),
                        USED, NOW).withActed(1);
        List<ModelBlock> content = running.withEvent("e2", person("status?")).sealed().messages().get(2).content();
        assertEquals("The run is still working on it; its outcome comes in a later message.", content.get(0).content());
        assertEquals(Boolean.TRUE, content.get(1).isError());
        assertEquals(ModelBlock.text("status?"), content.get(2));
    }

    @Test
    void theOldestCallsAreDroppedWholeAndTheFirstKeptMessageSaysSo() {
        AgentConversation conversation = AgentConversation.empty();
        for (int call = 1; call <= 25; call++) {
            conversation = conversation.withEvent("e" + call, person("message " + call)).sealed()
                    .withAnswer(call, List.of(ModelBlock.toolUse("t" + call, "reply", Map.of("text", "r"))), USED, NOW).withActed(call);
        }
        assertEquals(AgentConversation.MESSAGES_KEPT, conversation.messages().size());
        assertEquals(5, conversation.omitted());
        AgentConversation pending = conversation.withEvent("e26", person("again")).sealed();
        assertEquals(List.of(6, 6), pending.droppedBy(List.of(ModelBlock.text("ok"))).stream().map(ModelMessage::call).toList(),
                "the next answer drops the oldest exchange, both its messages");
        List<ModelMessage> request = conversation.withEvent("e26", person("again")).sealed().request();
        ModelMessage first = request.get(0);
        assertEquals(ModelMessage.USER, first.role());
        assertEquals("(The 5 earliest exchanges of this conversation are no longer kept.)", first.content().get(0).text());
        assertTrue(first.content().stream().noneMatch(block -> ModelBlock.TOOL_RESULT.equals(block.type())),
                "a tool result whose tool use was dropped is sent as text");
    }

    @Test
    void longExchangesAreDroppedByTheirSizeTooSoTheRecordStaysInsideOneNatsMessage() {
        AgentConversation conversation = AgentConversation.empty();
        String page = "x".repeat(AgentConversation.BLOCK_TEXT_KEPT);
        for (int call = 1; call <= 15; call++) {
            conversation = conversation.withEvent("e" + call, person(page)).sealed()
                    .withAnswer(call, List.of(ModelBlock.text(page)), USED, NOW).withActed(call);
        }
        long characters = conversation.messages().stream().flatMap(m -> m.content().stream()).mapToLong(b -> b.text().length()).sum();
        assertTrue(characters <= AgentConversation.TEXT_KEPT, characters + " characters kept");
        assertEquals(20, conversation.messages().size(), "ten exchanges of 16,000 characters fit");
        assertEquals(5, conversation.omitted());
    }

    @Test
    void anAnswerWithoutContentIsStoredAsNoAnswerSinceTheApiRefusesAnEmptyMessage() {
        AgentConversation answered = AgentConversation.empty().withEvent("e1", person("hi")).sealed()
                .withAnswer(1, List.of(ModelBlock.text("  ")), USED, NOW);
        assertEquals(List.of(ModelBlock.text(AgentConversation.NO_ANSWER)), answered.answer(1));
    }

    @Test
    void aCallClaimedByAWorkerIsNotAskedByAnotherUntilTheClaimEnds() {
        AgentConversation claimed = AgentConversation.empty().withEvent("e1", person("hi")).sealed()
                .withClaim(1, NOW.plusSeconds(90));
        assertTrue(claimed.claimedByAnother(1, NOW));
        assertFalse(claimed.claimedByAnother(1, NOW.plusSeconds(91)));
        assertFalse(claimed.withAnswer(1, List.of(ModelBlock.text("ok")), USED, NOW).claimedByAnother(1, NOW));
    }

    @Test
    void theMonthsUsageStartsAgainWhenTheMonthTurns() {
        AgentConversation november = AgentConversation.empty().withEvent("e1", person("hi")).sealed()
                .withAnswer(1, List.of(ModelBlock.text("ok")), USED, NOW);
        assertEquals(USED, november.usageIn(NOW));
        assertEquals(Usage.NONE, november.usageIn(Instant.parse("2026-12-01T00:00:00Z")));
    }
}
