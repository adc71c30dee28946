package dev.agentservices.gateway.hostile;


import dev.agentservices.gateway.GatewayTestProfile;
import dev.agentservices.gateway.Signing;
import dev.agentservices.gateway.WebhooksStream;
import dev.agentservices.gateway.http.WebhookEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import dev.agentservices.common.testing.Hostile;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;

/**
 * Hostile requests to every webhook endpoint: forged, stale or malformed signatures, bodies that are not
 * what they claim (broken, deeply nested, huge numbers, invalid UTF-8, oversized), wrong content types
 * and methods. Each must get a 4xx with a JSON {@code error} and {@code message}, never a 5xx, and nothing
 * may reach the WEBHOOKS stream.
 */
@QuarkusTest
@TestProfile(GatewayTestProfile.class)
@Tag("component")
class HostileInputTest {

    @RegisterExtension
    final WebhooksStream stream = new WebhooksStream();

    /** One hostile request: its method, path, headers and raw body. */
    record Case(String name, String method, String path, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAJsonMessageAndNothingStored(Case hostile) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + hostile.path()))
                .method(hostile.method(), hostile.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(hostile.body()));
        hostile.headers().forEach(request::header);
        Hostile.assertJsonRefusal(hostile, HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        stream.assertNothingSinceMark();
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String slack = slackMention();
        String interaction = "payload=" + URLEncoder.encode("{\"type\":\"block_actions\",\"api_app_id\":\"A0BUCK\",\"user\":{\"id\":\"U1\"},"
                + "\"channel\":{\"id\":\"C1\"},\"message\":{\"ts\":\"1.1\",\"thread_ts\":\"1.0\"},\"actions\":[{\"action_id\":\"a\","
                + "\"type\":\"button\",\"value\":\"v\"}]}", StandardCharsets.UTF_8);
        String jira = "{\"webhookEvent\":\"comment_created\",\"issue\":{\"key\":\"OPS-1\"},\"comment\":{\"id\":\"1\",\"body\":\"hi\","
                + "\"author\":{\"accountId\":\"557058:x\"}}}";
        String github = "{\"action\":\"created\",\"issue\":{\"number\":1},\"comment\":{\"id\":1,\"body\":\"@bucky hi\","
                + "\"user\":{\"login\":\"ana\",\"type\":\"User\"},\"author_association\":\"OWNER\"},\"repository\":{\"full_name\":\"acme/api\"}}";

        // signatures and timestamps, Slack's two endpoints
        for (String[] endpoint : new String[][] {{WebhookEndpoint.SLACK_EVENTS, slack, "application/json"},
                {WebhookEndpoint.SLACK_INTERACTIVITY, interaction, "application/x-www-form-urlencoded"}}) {
            String path = endpoint[0];
            String body = endpoint[1];
            String type = endpoint[2];
            long now = Signing.now();
            String good = Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, now, body);
            Map<String, Map<String, String>> variants = new LinkedHashMap<>();
            variants.put("no signature", Map.of("X-Slack-Request-Timestamp", Long.toString(now)));
            variants.put("no timestamp", Map.of("X-Slack-Signature", good));
            variants.put("empty signature", headers(now, ""));
            variants.put("bare v0=", headers(now, "v0="));
            variants.put("v1 signature", headers(now, good.replace("v0=", "v1=")));
            variants.put("non-hex signature", headers(now, "v0=" + "zz".repeat(32)));
            variants.put("truncated signature", headers(now, good.substring(0, good.length() - 2)));
            variants.put("signature too long", headers(now, good + "00"));
            variants.put("signature by another secret", headers(now, Signing.slack("not-the-secret", now, body)));
            variants.put("signature of another body", headers(now, Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, now, body + " ")));
            variants.put("signature for another timestamp", headers(now - 1, good));
            variants.put("stale timestamp", headers(now - 600, Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, now - 600, body)));
            variants.put("future timestamp", headers(now + 600, Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, now + 600, body)));
            variants.put("timestamp not a number", Map.of("X-Slack-Request-Timestamp", "yesterday", "X-Slack-Signature", good));
            variants.put("timestamp in milliseconds", headers(now * 1000, Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, now * 1000, body)));
            variants.put("huge timestamp", Map.of("X-Slack-Request-Timestamp", "99999999999999999999999", "X-Slack-Signature", good));
            variants.put("negative timestamp", headers(-1, Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, -1, body)));
            variants.put("two signatures", headers(now, good + "," + good));
            variants.forEach((name, headers) -> cases.add(post(path + ": " + name, path, type, headers, body.getBytes(StandardCharsets.UTF_8))));
        }

        // bodies that are not what they claim, correctly signed
        List<byte[]> bodies = new ArrayList<>();
        List<String> bodyNames = new ArrayList<>();
        addBody(bodies, bodyNames, "broken JSON", "{\"type\":");
        addBody(bodies, bodyNames, "JSON array", "[]");
        addBody(bodies, bodyNames, "JSON null", "null");
        addBody(bodies, bodyNames, "JSON string", "\"event_callback\"");
        addBody(bodies, bodyNames, "JSON number", "123");
        addBody(bodies, bodyNames, "empty body", "");
        addBody(bodies, bodyNames, "deep nesting", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        addBody(bodies, bodyNames, "huge number", "{\"type\":\"event_callback\",\"event_id\":\"Ev1\",\"event_time\":1" + "0".repeat(5000)
                + ",\"event\":{\"type\":\"app_mention\",\"channel\":\"C1\"}}");
        addBody(bodies, bodyNames, "trailing garbage", "{\"type\":\"url_verification\",\"challenge\":\"c\"} trailing");
        addBody(bodies, bodyNames, "comment in JSON", "{/*x*/\"type\":\"url_verification\",\"challenge\":\"c\"}");
        addBody(bodies, bodyNames, "single quotes", "{'type':'url_verification','challenge':'c'}");
        addBody(bodies, bodyNames, "NaN", "{\"type\":\"event_callback\",\"event_time\":NaN}");
        bodies.add(new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bodyNames.add("invalid UTF-8");
        bodies.add(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'});
        bodyNames.add("UTF-16 with a BOM");
        addBody(bodies, bodyNames, "url_verification without challenge", "{\"type\":\"url_verification\"}");
        addBody(bodies, bodyNames, "event_callback without event_id", "{\"type\":\"event_callback\",\"api_app_id\":\"A0BUCK\","
                + "\"event\":{\"type\":\"app_mention\",\"channel\":\"C1\",\"ts\":\"1.1\",\"text\":\"hi\",\"user\":\"U1\"}}");
        addBody(bodies, bodyNames, "event for another app", slack.replace("A0BUCK", "A0EVIL"));
        addBody(bodies, bodyNames, "over the size limit", slack.replace("please", "x".repeat(70_000)));
        for (int i = 0; i < bodies.size(); i++) {
            long now = Signing.now();
            String signature = slackSignature(bodies.get(i), now);
            cases.add(post("slack events: " + bodyNames.get(i), WebhookEndpoint.SLACK_EVENTS, "application/json",
                    headers(now, signature), bodies.get(i)));
        }
        for (String[] form : new String[][] {{"no payload field", "other=1"}, {"payload not JSON", "payload=%7Bbroken"},
                {"payload an array", "payload=%5B%5D"}, {"bad percent encoding", "payload=%ZZ"}, {"two payloads", "payload=%7B%7D&payload=%7B%7D"},
                {"payload for another app", "payload=" + URLEncoder.encode("{\"type\":\"block_actions\",\"api_app_id\":\"A0EVIL\"}", StandardCharsets.UTF_8)}}) {
            long now = Signing.now();
            byte[] body = form[1].getBytes(StandardCharsets.UTF_8);
            cases.add(post("slack interactivity: " + form[0], WebhookEndpoint.SLACK_INTERACTIVITY, "application/x-www-form-urlencoded",
                    headers(now, slackSignature(body, now)), body));
        }

        // Jira and GitHub: HMAC signatures (X-Hub-Signature[-256])
        for (String[] endpoint : new String[][] {{WebhookEndpoint.JIRA, jira, "X-Hub-Signature", GatewayTestProfile.BUCK_JIRA_SECRET},
                {WebhookEndpoint.GITHUB, github, "X-Hub-Signature-256", GatewayTestProfile.GITHUB_SECRET}}) {
            String path = endpoint[0];
            String body = endpoint[1];
            String header = endpoint[2];
            String good = Signing.hub(endpoint[3], body);
            Map<String, String> extra = path.equals(WebhookEndpoint.GITHUB) ? Map.of("X-GitHub-Event", "issue_comment") : Map.of();
            Map<String, String> signatures = new LinkedHashMap<>();
            signatures.put("no signature", null);
            signatures.put("empty signature", "");
            signatures.put("bare sha256=", "sha256=");
            signatures.put("sha1 signature", good.replace("sha256=", "sha1="));
            signatures.put("no algorithm", good.replace("sha256=", ""));
            signatures.put("non-hex signature", "sha256=" + "zz".repeat(32));
            signatures.put("truncated signature", good.substring(0, good.length() - 2));
            signatures.put("signature too long", good + "00");
            signatures.put("signature by another secret", Signing.hub("not-the-secret", body));
            signatures.put("signature of another body", Signing.hub(endpoint[3], body + " "));
            signatures.put("upper-case algorithm", good.replace("sha256=", "SHA256=x"));
            signatures.forEach((name, signature) -> {
                Map<String, String> headers = new LinkedHashMap<>(extra);
                if (signature != null) {
                    headers.put(header, signature);
                }
                cases.add(post(path + ": " + name, path, "application/json", headers, body.getBytes(StandardCharsets.UTF_8)));
            });
            for (int i = 0; i < bodies.size(); i++) {
                if (bodyNames.get(i).contains("app") || bodyNames.get(i).contains("url_verification") || bodyNames.get(i).contains("event_id")) {
                    continue; // Slack-specific bodies
                }
                String raw = new String(bodies.get(i), StandardCharsets.ISO_8859_1);
                Map<String, String> headers = new LinkedHashMap<>(extra);
                headers.put(header, hubSignature(endpoint[3], bodies.get(i)));
                cases.add(post(path + ": " + bodyNames.get(i), path, "application/json", headers,
                        bodyNames.get(i).equals("over the size limit") ? (body.replace("hi", "x".repeat(70_000))).getBytes(StandardCharsets.UTF_8)
                                : raw.getBytes(StandardCharsets.ISO_8859_1)));
            }
        }
        cases.add(post("jira: token in the query that is wrong", WebhookEndpoint.JIRA + "?token=guess", "application/json", Map.of(),
                jira.getBytes(StandardCharsets.UTF_8)));
        cases.add(post("jira: empty bearer token", WebhookEndpoint.JIRA, "application/json", Map.of("Authorization", "Bearer "),
                jira.getBytes(StandardCharsets.UTF_8)));
        cases.add(post("github: no event header", WebhookEndpoint.GITHUB, "application/json",
                Map.of("X-Hub-Signature-256", Signing.hub(GatewayTestProfile.GITHUB_SECRET, github)), github.getBytes(StandardCharsets.UTF_8)));
        cases.add(post("github: issue_comment without repository", WebhookEndpoint.GITHUB, "application/json",
                Map.of("X-GitHub-Event", "issue_comment", "X-Hub-Signature-256", Signing.hub(GatewayTestProfile.GITHUB_SECRET,
                        "{\"action\":\"created\",\"comment\":{\"id\":1}}")), "{\"action\":\"created\",\"comment\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8)));

        // content types and methods on every endpoint
        for (String path : List.of(WebhookEndpoint.SLACK_EVENTS, WebhookEndpoint.SLACK_INTERACTIVITY, WebhookEndpoint.JIRA, WebhookEndpoint.GITHUB)) {
            for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/octet-stream")) {
                cases.add(post(path + ": content type " + type, path, type, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
            }
            cases.add(post(path + ": no content type", path, null, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
            for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
                cases.add(new Case(path + ": " + method, method, path, Map.of("Content-Type", "application/json"), null));
            }
        }
        cases.add(post("unknown webhook path", "/webhooks/gitlab", "application/json", Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
        cases.add(post("path traversal", "/webhooks/slack/../../q/metrics", "application/json", Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
        cases.add(post("encoded path traversal", "/webhooks/%2e%2e/%2e%2e/q/metrics", "application/json", Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
        return cases.stream();
    }

    private static Case post(String name, String path, String contentType, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (contentType != null) {
            all.put("Content-Type", contentType);
        }
        return new Case(name, "POST", path, all, body);
    }

    private static Map<String, String> headers(long timestamp, String signature) {
        return Map.of("X-Slack-Request-Timestamp", Long.toString(timestamp), "X-Slack-Signature", signature);
    }

    private static void addBody(List<byte[]> bodies, List<String> names, String name, String body) {
        bodies.add(body.getBytes(StandardCharsets.UTF_8));
        names.add(name);
    }

    private static String slackSignature(byte[] body, long timestamp) {
        return "v0=" + hmac(GatewayTestProfile.BUCK_SLACK_SECRET, concat(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8), body));
    }

    private static String hubSignature(String secret, byte[] body) {
        return "sha256=" + hmac(secret, body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String hmac(String secret, byte[] data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(data));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String slackMention() {
        return "{\"token\":\"legacy\",\"team_id\":\"T0001\",\"api_app_id\":\"A0BUCK\",\"type\":\"event_callback\",\"event_id\":\"Ev"
                + UUID.randomUUID() + "\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> please\","
                + "\"ts\":\"1.1\",\"channel\":\"C1\"}}";
    }
}
