package dev.agentservices.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SessionKeyTest {

    /** What NATS accepts in a KV key, and no leading or trailing dot. */
    private static final Pattern KV_SAFE = Pattern.compile("[-/_=.a-zA-Z0-9]+");

    @Property(tries = 2000)
    void kvKeyRoundTripsAndIsNatsSafe(@ForAll("sessionKeys") SessionKey key) {
        String encoded = key.kvKey();
        assertTrue(KV_SAFE.matcher(encoded).matches(), encoded);
        assertTrue(!encoded.startsWith(".") && !encoded.endsWith("."), encoded);
        assertEquals(key, SessionKey.fromKvKey(encoded));
        assertEquals(key, SessionKey.parse(key.toString()));
    }

    @Property(tries = 500)
    void distinctKeysNeverShareAnEncoding(@ForAll("sessionKeys") SessionKey a, @ForAll("sessionKeys") SessionKey b) {
        if (!a.equals(b)) {
            assertTrue(!a.kvKey().equals(b.kvKey()));
        }
    }

    @Example
    void humanFormsOfTheSeed() {
        assertEquals("buck:github:acme/api#42", SessionKey.github("buck", "acme/api", 42).toString());
        assertEquals("buck:jira:OPS-7", SessionKey.jira("buck", "OPS-7").toString());
        assertEquals("buck:slack:C123:1712345678.000100", SessionKey.slack("buck", "C123", "1712345678.000100").toString());
    }

    @Example
    void encodedFormsStayReadable() {
        assertEquals("buck.github.acme/api=2342", SessionKey.github("buck", "acme/api", 42).kvKey());
        assertEquals("buck.slack.C123.1712345678=2E000100", SessionKey.slack("buck", "C123", "1712345678.000100").kvKey());
    }

    @Example
    void malformedKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SessionKey.parse("buck:slack"));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.parse("buck:telegram:x"));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.parse("Buck:jira:OPS-1"));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.jira("-buck", "OPS-1"));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.jira("_buck", "OPS-1"));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.jira("", "OPS-1"));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.jira("bück", "OPS-1"));
        assertEquals("0buck-1_a", SessionKey.jira("0buck-1_a", "OPS-1").agent());
        assertThrows(IllegalArgumentException.class, () -> SessionKey.fromKvKey("buck.jira.OPS=2"));
        assertThrows(IllegalArgumentException.class, () -> SessionKey.fromKvKey("buck.jira.OPS 1"));
    }

    @Provide
    Arbitrary<SessionKey> sessionKeys() {
        Arbitrary<String> agents = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_')
                .ofMinLength(1).ofMaxLength(12).filter(s -> Character.isLetterOrDigit(s.charAt(0)));
        Arbitrary<String> parts = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20)
                .filter(s -> !s.contains(":") && s.codePoints().noneMatch(cp -> Character.isSurrogate((char) cp) && cp < 0x10000));
        Arbitrary<String> conversations = parts.list().ofMinSize(1).ofMaxSize(3).map(list -> String.join(":", list));
        Arbitrary<SessionSource> sources = Arbitraries.of(SessionSource.class);
        return net.jqwik.api.Combinators.combine(agents, sources, conversations).as(SessionKey::new);
    }
}
