import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes COUNT correctly signed, unique Slack app_mention events for wrk (deploy/bench/wrk-events.lua), one per
 * line: timestamp, signature and body separated by tabs. Fresh ones are written for every round, since the
 * gateway accepts a Slack timestamp for five minutes and stores each event id once.
 * Usage: {@code java SignedEvents.java SECRET COUNT FILE}
 */
public class SignedEvents {

    public static void main(String[] args) throws Exception {
        String secret = args[0];
        int count = Integer.parseInt(args[1]);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        long timestamp = System.currentTimeMillis() / 1000;
        long unique = System.nanoTime();
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                String ts = timestamp + "." + String.format("%06d", i % 1_000_000);
                String body = "{\"type\":\"event_callback\",\"api_app_id\":\"A0BENCH\",\"event_id\":\"EvW" + unique + "x" + i
                        + "\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> bench\",\"ts\":\"" + ts
                        + "\",\"channel\":\"C0W" + (i / 1_000_000) + "\"}}";
                String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body)
                        .getBytes(StandardCharsets.UTF_8)));
                out.write(timestamp + "\t" + signature + "\t" + body + "\n");
            }
        }
    }
}
