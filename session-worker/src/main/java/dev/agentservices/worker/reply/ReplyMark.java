package dev.agentservices.worker.reply;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which reply a posted message is, so that a retry after a crash finds what was already posted: the
 * pass-through policy's answer to turn {@code number} ({@link #TURN}), or part {@code part} of the
 * model's answer to call {@code number} ({@link #CALL}). Each piece of a long reply adds its index.
 */
public record ReplyMark(String kind, int number, int part) {

    public static final String TURN = "turn";
    public static final String CALL = "call";

    public static ReplyMark turn(int turn) {
        return new ReplyMark(TURN, turn, 0);
    }

    public static ReplyMark call(int call, int part) {
        return new ReplyMark(CALL, call, part);
    }

    /** The Slack metadata payload and Jira property value of piece {@code piece}. */
    Map<String, Object> payload(String sessionId, int piece) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("session_id", sessionId);
        payload.put(kind, number);
        if (CALL.equals(kind)) {
            payload.put("part", part);
        }
        payload.put("piece", piece);
        return payload;
    }

    /** The piece a posted payload marks when it is a piece of this reply of {@code sessionId}; -1 otherwise. */
    int pieceOf(Map<String, Object> payload, String sessionId) {
        if (payload == null || !sessionId.equals(payload.get("session_id"))
                || !String.valueOf(number).equals(String.valueOf(payload.get(kind)))
                || (CALL.equals(kind) && !String.valueOf(part).equals(String.valueOf(payload.getOrDefault("part", "0"))))) {
            return -1;
        }
        return Integer.parseInt(String.valueOf(payload.getOrDefault("piece", "0")));
    }

    /** The hidden last line of piece {@code piece} on GitHub. */
    String githubMarker(String sessionId, int piece) {
        return TURN.equals(kind) ? "<!-- agent-services:reply session=%s turn=%d piece=%d -->".formatted(sessionId, number, piece)
                : "<!-- agent-services:reply session=%s call=%d part=%d piece=%d -->".formatted(sessionId, number, part, piece);
    }
}
