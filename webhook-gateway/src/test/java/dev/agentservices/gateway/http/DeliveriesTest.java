package dev.agentservices.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DeliveriesTest {

    @Test
    void titleDropsMentionsFoldsWhiteSpaceAndTrims() {
        assertEquals("please fix the build", Deliveries.title("<@U0BUCK>  please\n\tfix <@U0ANA> the build  "));
        assertEquals("<@U2>", Deliveries.title("<@<@U1>U2>"));
        assertEquals("<@> <@u1> @U1>", Deliveries.title("<@> <@u1> @U1>"));
        assertEquals("", Deliveries.title(null));
        assertEquals("", Deliveries.title(" \u0001 <@U1> "));
    }

    @Test
    void longTitleIsCutAtEightyCharacters() {
        String title = Deliveries.title("word ".repeat(40));
        assertEquals(80, title.length());
        assertEquals("…", title.substring(79));
    }

    /** The one pass gives what the two regular expressions it replaced gave, for text of the characters that matter. */
    @Test
    void titleIsWhatTheRegularExpressionsGave() {
        Pattern mention = Pattern.compile("<@[A-Z0-9]+>");
        Pattern whiteSpace = Pattern.compile("\\s+");
        String alphabet = "<@>UZ09az \t\n\u000B\f\r\u0001\u00A0\u2003é🚀";
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(120);
            while (text.length() < length) {
                text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            String oneLine = whiteSpace.matcher(mention.matcher(text).replaceAll("")).replaceAll(" ").trim();
            String expected = oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 79) + "…";
            assertEquals(expected, Deliveries.title(text.toString()), () -> "title of " + text.toString().codePoints()
                    .mapToObj(Integer::toHexString).toList());
        }
    }
}
