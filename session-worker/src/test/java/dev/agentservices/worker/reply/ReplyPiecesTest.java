package dev.agentservices.worker.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyPiecesTest {

    @Test
    void aShortAnswerIsOnePiece() {
        assertEquals(List.of("Done."), ReplyPieces.of("Done.", ReplyPieces.SLACK_LIMIT, "more"));
    }

    @Test
    void aSixtyThousandCharacterAnswerIsPostedInPiecesWithinSlacksLimitAtParagraphBreaks() {
        String paragraph = "x".repeat(999) + "\n\n";
        String answer = paragraph.repeat(60).strip();
        List<String> pieces = ReplyPieces.of(answer, ReplyPieces.SLACK_LIMIT, "more");
        assertEquals(2, pieces.size());
        pieces.forEach(piece -> assertTrue(piece.length() <= ReplyPieces.SLACK_LIMIT, piece.length() + " characters"));
        assertTrue(pieces.get(0).endsWith("x") && pieces.get(1).startsWith("x"), "cut between paragraphs");
        assertEquals(answer.replace("\n", "").length(), String.join("", pieces).replace("\n", "").length(), "nothing lost");
    }

    @Test
    void anEndlessAnswerStopsAfterTheLastPieceWithAPointerToTheWhole() {
        List<String> pieces = ReplyPieces.of("y".repeat(1_000_000), ReplyPieces.JIRA_LIMIT, "the whole answer: https://x/#session=1");
        assertEquals(ReplyPieces.MAX_PIECES, pieces.size());
        pieces.forEach(piece -> assertTrue(piece.length() <= ReplyPieces.JIRA_LIMIT));
        assertTrue(pieces.get(pieces.size() - 1).endsWith("… the whole answer: https://x/#session=1"));
    }

    @Test
    void aHardCutNeverSplitsASurrogatePair() {
        String text = "a".repeat(9) + "😀" + "b".repeat(20);
        List<String> pieces = ReplyPieces.of(text, 10, "more");
        assertEquals("a".repeat(9), pieces.get(0));
        assertTrue(pieces.get(1).startsWith("😀"));
    }
}
