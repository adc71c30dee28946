package dev.agentservices.gateway.publish;

import java.util.Arrays;

/**
 * JSON written straight into a growing UTF-8 byte array, escaped as the service's Jackson escapes strings:
 * {@code "} and {@code \}, the short escapes {@code \b \t \n \f \r}, every other control character and every UTF-16
 * surrogate as a six-character Unicode escape in upper-case hex, all else as UTF-8. For {@link EnvelopeWriter}.
 */
final class JsonBytes {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int size;

    JsonBytes(int capacity) {
        bytes = new byte[capacity];
    }

    /** Punctuation and field names as they are: {@code ascii} holds nothing to escape. */
    JsonBytes raw(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            bytes[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    /** A JSON string, or {@code null}. */
    JsonBytes string(String value) {
        if (value == null) {
            return raw("null");
        }
        // room for one byte a character; wider ones (UTF-8, escapes) make room as they come, so a text of
        // escapes does not reserve six times its length up front
        ensure(value.length() + 2);
        bytes[size++] = '"';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80 && c >= 0x20 && c != '"' && c != '\\') {
                bytes[size++] = (byte) c;
                continue;
            }
            ensure(6 + value.length() - i);
            if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                bytes[size++] = (byte) (0xC0 | (c >> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                unicodeEscape(c);
            } else {
                bytes[size++] = (byte) (0xE0 | (c >> 12));
                bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        bytes[size++] = '"';
        return this;
    }

    JsonBytes number(long value) {
        return raw(Long.toString(value));
    }

    JsonBytes bool(boolean value) {
        return raw(value ? "true" : "false");
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void escape(char c) {
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortForm == 0) {
            unicodeEscape(c);
        } else {
            bytes[size++] = '\\';
            bytes[size++] = (byte) shortForm;
        }
    }

    private void unicodeEscape(char c) {
        bytes[size++] = '\\';
        bytes[size++] = 'u';
        bytes[size++] = HEX[(c >> 12) & 0xF];
        bytes[size++] = HEX[(c >> 8) & 0xF];
        bytes[size++] = HEX[(c >> 4) & 0xF];
        bytes[size++] = HEX[c & 0xF];
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
