package dev.agentservices.worker.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QuestionTest {

    @Test
    void fiveAnswersOrFewerAreButtonsAndMoreAreOneSelect() {
        List<Map<String, Object>> buttons = new Question("Where to?", List.of("Staging", "Production")).blocks();
        assertEquals(List.of("button", "button"), elements(buttons).stream().map(element -> element.get("type")).toList());

        List<String> many = IntStream.range(0, 7).mapToObj(i -> "Option " + i).toList();
        List<Map<String, Object>> select = elements(new Question("Which?", many).blocks());
        assertEquals("static_select", select.get(0).get("type"));
        assertEquals(7, ((List<?>) select.get(0).get("options")).size());
    }

    @Test
    void blankAndRepeatedAnswersAreDroppedAndLongOnesCutToWhatSlackTakes() {
        Question question = new Question("Which?", java.util.Arrays.asList("a", " a ", "", null, "x".repeat(100)));
        assertEquals(List.of("a", "x".repeat(100)), question.options());
        @SuppressWarnings("unchecked")
        Map<String, Object> text = (Map<String, Object>) elements(question.blocks()).get(1).get("text");
        assertEquals(75, ((String) text.get("text")).length());
    }

    @Test
    void aQuestionNeverNotifiesAWholeChannel() {
        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) new Question("<!channel> deploy now?", List.of("Yes")).blocks().get(0)
                .get("text");
        assertEquals("&lt;!channel> deploy now?", section.get("text"));
        assertEquals("&lt;!here> and &lt;!subteam^S1> and <@U1>", ReplyPoster.withoutBroadcasts("<!here> and <!subteam^S1> and <@U1>"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> elements(List<Map<String, Object>> blocks) {
        return (List<Map<String, Object>>) blocks.get(1).get("elements");
    }
}
