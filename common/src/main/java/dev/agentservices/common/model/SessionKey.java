package dev.agentservices.common.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The key of one conversation, in the human form the records, the API and the logs show:
 * {@code buck:slack:C123:1712345678.000100}, {@code buck:jira:OPS-7}, {@code buck:github:acme/api#42}.
 *
 * <p>NATS KV keys allow only {@code [-/_=.a-zA-Z0-9]}, so {@link #kvKey()} encodes it reversibly: {@code :}
 * becomes {@code .} (so a key filter such as {@code buck.slack.>} selects one agent's Slack sessions),
 * {@code -}, {@code _}, {@code /}, letters and digits stay, and every other byte is written {@code =HH}.
 */
public record SessionKey(String agent, SessionSource source, String conversation) {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    public SessionKey {
        if (!isAgentName(agent)) {
            throw new IllegalArgumentException("agent must be lower-case letters, digits, '-' or '_': '" + agent + "'");
        }
        if (source == null) {
            throw new IllegalArgumentException("source is required");
        }
        if (conversation == null || conversation.isEmpty() || conversation.startsWith(":") || conversation.endsWith(":")
                || conversation.contains("::")) {
            throw new IllegalArgumentException("conversation must be non-empty ':'-separated parts: '" + conversation + "'");
        }
    }

    public static SessionKey slack(String agent, String channel, String threadTs) {
        return new SessionKey(agent, SessionSource.SLACK, channel + ":" + threadTs);
    }

    public static SessionKey jira(String agent, String issueKey) {
        return new SessionKey(agent, SessionSource.JIRA, issueKey);
    }

    public static SessionKey github(String agent, String repository, long number) {
        return new SessionKey(agent, SessionSource.GITHUB, repository + "#" + number);
    }

    /** Parses the human form {@code {agent}:{source}:{conversation}}. */
    @JsonCreator
    public static SessionKey parse(String human) {
        String[] parts = human == null ? new String[0] : human.split(":", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a session key reads {agent}:{source}:{conversation}, not '" + human + "'");
        }
        return new SessionKey(parts[0], SessionSource.fromToken(parts[1]), parts[2]);
    }

    /** The reversible NATS-KV-safe form. */
    public String kvKey() {
        String human = toString();
        StringBuilder out = new StringBuilder(human.length() + 16);
        for (byte b : human.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c == ':') {
                out.append('.');
            } else if (isKept(c)) {
                out.append(c);
            } else {
                out.append('=').append(HEX.toHexDigits(b));
            }
        }
        return out.toString();
    }

    /** Reverses {@link #kvKey()}. */
    public static SessionKey fromKvKey(String kvKey) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(kvKey.length());
        for (int i = 0; i < kvKey.length(); i++) {
            char c = kvKey.charAt(i);
            if (c == '.') {
                bytes.write(':');
            } else if (c == '=') {
                if (i + 2 >= kvKey.length()) {
                    throw new IllegalArgumentException("truncated escape in KV key '" + kvKey + "'");
                }
                bytes.write(HexFormat.fromHexDigits(kvKey, i + 1, i + 3));
                i += 2;
            } else if (isKept(c)) {
                bytes.write(c);
            } else {
                throw new IllegalArgumentException("'" + c + "' cannot appear in an encoded session key");
            }
        }
        return parse(bytes.toString(StandardCharsets.UTF_8));
    }

    /** {@code [a-z0-9][a-z0-9_-]*}, checked in a loop: every webhook and message builds a key. */
    private static boolean isAgentName(String agent) {
        if (agent == null || agent.isEmpty() || agent.charAt(0) == '_' || agent.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < agent.length(); i++) {
            char c = agent.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isKept(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
    }

    @JsonValue
    @Override
    public String toString() {
        return agent + ":" + source.token() + ":" + conversation;
    }
}
