package dev.agentservices.gateway.github;

import java.util.regex.Pattern;

/**
 * Whether a comment mentions a handle the way GitHub links it: {@code @handle} not inside another word
 * or e-mail address, any case, and not only in a quoted reply ({@code > ...} lines repeat earlier text).
 */
final class Mentions {

    private Mentions() {
    }

    static boolean mentions(String body, String handle) {
        if (body == null) {
            return false;
        }
        Pattern mention = Pattern.compile("(?<![A-Za-z0-9_.-])@" + Pattern.quote(handle) + "(?![A-Za-z0-9_-])",
                Pattern.CASE_INSENSITIVE);
        return body.lines()
                .filter(line -> !line.stripLeading().startsWith(">"))
                .anyMatch(line -> mention.matcher(line).find());
    }
}
