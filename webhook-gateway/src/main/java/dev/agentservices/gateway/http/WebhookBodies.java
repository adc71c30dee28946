package dev.agentservices.gateway.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads webhook bodies only after their signature was checked: the content type, JSON into the
 * sender's payload record, and the {@code payload=} field of a form, each refusal with a 4xx that says
 * what to send instead.
 */
@Singleton
public class WebhookBodies {

    private final ObjectMapper mapper;
    private final long maxBodySize;
    /** One reader per payload type, built once: {@code readerFor} looks the type up on every call. */
    private final ClassValue<ObjectReader> readers = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
    };

    public WebhookBodies(ObjectMapper mapper, GatewayConfig config) {
        this.mapper = mapper;
        this.maxBodySize = config.maxBodySize().asLongValue();
    }

    /**
     * The first check of every webhook: 413 for a body over the limit (a chunked one; a declared length is
     * refused earlier by {@link BodySizeFilter}), 415 unless the content type is one of {@code accepted}.
     *
     * @return the accepted type that matched
     */
    public MediaType accept(HttpHeaders headers, byte[] body, MediaType... accepted) {
        if (body.length > maxBodySize) {
            throw tooLarge(maxBodySize);
        }
        return requireContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE), accepted);
    }

    static WebhookRejection tooLarge(long limit) {
        return new WebhookRejection(413, "body_too_large", "The body is larger than the " + limit + " bytes this gateway accepts");
    }

    private static MediaType requireContentType(String header, MediaType... accepted) {
        MediaType type;
        try {
            type = header == null ? null : MediaType.valueOf(header);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        for (MediaType candidate : accepted) {
            if (type != null && candidate.isCompatible(type) && !type.isWildcardType() && !type.isWildcardSubtype()) {
                return candidate;
            }
        }
        StringBuilder names = new StringBuilder();
        for (MediaType candidate : accepted) {
            names.append(names.length() == 0 ? "" : " or ").append(candidate.getType()).append('/').append(candidate.getSubtype());
        }
        throw new WebhookRejection(415, "unsupported_media_type",
                "Send the body as " + names + (header == null ? "" : ", not " + header));
    }

    /**
     * The body as {@code type}: 400 for bytes that are not UTF-8 or JSON (trailing text included). The bytes are
     * checked, then read as they are, without a copy as text.
     */
    public <T> T json(byte[] body, Class<T> type) {
        if (!isAscii(body)) {
            utf8(body);
        }
        return read(type, reader -> reader.readValue(body));
    }

    private static boolean isAscii(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** The body as text; 400 for bytes that are not UTF-8 (a lenient decoding would let them through as U+FFFD). */
    public String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw WebhookRejection.badRequest("invalid_utf8", "The body is not valid UTF-8");
        }
    }

    public <T> T json(String body, Class<T> type) {
        return read(type, reader -> reader.readValue(body));
    }

    /** What {@link ObjectReader} is asked to read. */
    @FunctionalInterface
    private interface Read<T> {
        T from(ObjectReader reader) throws IOException;
    }

    private <T> T read(Class<T> type, Read<T> read) {
        try {
            T value = read.from(readers.get(type));
            if (value == null) {
                throw WebhookRejection.badRequest("malformed_json", "The body must be a JSON object, not null");
            }
            return value;
        } catch (JacksonException e) {
            throw WebhookRejection.badRequest("malformed_json",
                    "The body is not valid JSON for this webhook (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw WebhookRejection.badRequest("malformed_json", "The body could not be read as JSON");
        }
    }

    /** A JSON tree already read, as the record {@code type}: the same errors as {@link #json(String, Class)}. */
    public <T> T convert(com.fasterxml.jackson.databind.JsonNode tree, Class<T> type) {
        if (tree == null || !tree.isObject()) {
            throw WebhookRejection.badRequest("malformed_json", "The body must be a JSON object");
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (JacksonException e) {
            throw WebhookRejection.badRequest("malformed_json",
                    "The body is not valid JSON for this webhook (" + e.getOriginalMessage() + ")");
        }
    }

    /** The URL-decoded value of {@code payload} in an {@code application/x-www-form-urlencoded} body. */
    public String formPayload(byte[] body) {
        return formField(new String(body, StandardCharsets.US_ASCII), "payload").orElseThrow(
                () -> WebhookRejection.badRequest("malformed_form", "The form must carry a payload= field with the JSON payload"));
    }

    static Optional<String> formField(String form, String name) {
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (decode(key).equals(name)) {
                return Optional.of(equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        return Optional.empty();
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw WebhookRejection.badRequest("malformed_form", "The form is not valid application/x-www-form-urlencoded");
        }
    }
}
