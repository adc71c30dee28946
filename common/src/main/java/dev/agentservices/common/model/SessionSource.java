package dev.agentservices.common.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Where a session's conversation lives, and so where replies go. */
public enum SessionSource {
    SLACK("slack"),
    JIRA("jira"),
    GITHUB("github"),
    DASHBOARD("dashboard");

    private final String token;

    SessionSource(String token) {
        this.token = token;
    }

    @JsonValue
    public String token() {
        return token;
    }

    public static SessionSource fromToken(String token) {
        return Arrays.stream(values()).filter(s -> s.token.equals(token)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown session source '" + token + "'"));
    }
}
