package dev.agentservices.gateway;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs test requests the way Slack, GitHub and Jira do, independently of the code under test. */
public final class Signing {

    private Signing() {
    }

    public static String slack(String secret, long timestamp, String body) {
        return "v0=" + hmacHex(secret, "v0:" + timestamp + ":" + body);
    }

    public static String hub(String secret, String body) {
        return "sha256=" + hmacHex(secret, body);
    }

    public static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String hmacHex(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
