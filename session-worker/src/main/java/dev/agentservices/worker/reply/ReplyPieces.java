package dev.agentservices.worker.reply;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a reply into pieces a platform takes (Slack 40,000 characters a message, GitHub 65,536 a comment,
 * Jira 32,767), at a paragraph, line or word break where there is one, so that a long answer is posted
 * rather than refused, retried and dead-lettered. Past {@link #MAX_PIECES} the last piece ends with
 * {@code more}, a pointer to the whole answer, so one answer never floods a thread.
 */
public final class ReplyPieces {

    public static final int SLACK_LIMIT = 40_000;
    public static final int GITHUB_LIMIT = 65_536;
    public static final int JIRA_LIMIT = 32_767;
    public static final int MAX_PIECES = 4;

    private ReplyPieces() {
    }

    /** The pieces of {@code text}, each at most {@code limit} characters (code points counted as Java chars, as the platforms do). */
    public static List<String> of(String text, int limit, String more) {
        List<String> pieces = new ArrayList<>();
        String rest = text;
        while (rest.length() > limit) {
            if (pieces.size() == MAX_PIECES - 1) {
                String tail = "\n\n… " + more;
                pieces.add(rest.substring(0, cut(rest, limit - tail.length())).stripTrailing() + tail);
                return pieces;
            }
            int at = cut(rest, limit);
            pieces.add(rest.substring(0, at).stripTrailing());
            rest = rest.substring(at).stripLeading();
        }
        pieces.add(rest);
        return pieces;
    }

    /** Where to cut within {@code limit}: the last paragraph break, else line break, else space in its second half. */
    private static int cut(String text, int limit) {
        for (String separator : List.of("\n\n", "\n", " ")) {
            int at = text.lastIndexOf(separator, limit - separator.length());
            if (at > limit / 2) {
                return at + separator.length();
            }
        }
        // no break: a hard cut, never between the two halves of a surrogate pair
        return Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
    }
}
