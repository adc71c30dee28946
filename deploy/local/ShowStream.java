import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamState;

/**
 * Prints the last messages of a stream: sequence, subject, Nats-Msg-Id and size, or with a fourth argument
 * {@code data} each message's body. Usage: URL STREAM [COUNT] [data].
 */
public class ShowStream {
    public static void main(String[] args) throws Exception {
        String stream = args[1];
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        boolean data = args.length > 3 && args[3].equals("data");
        try (Connection connection = Nats.connect(args[0])) {
            JetStreamManagement jsm = connection.jetStreamManagement();
            StreamState state = jsm.getStreamInfo(stream).getStreamState();
            System.out.printf("%s: %d messages%n", stream, state.getMsgCount());
            for (long seq = Math.max(state.getFirstSequence(), state.getLastSequence() - count + 1); seq <= state.getLastSequence(); seq++) {
                try {
                    MessageInfo m = jsm.getMessage(stream, seq);
                    String id = m.getHeaders() == null ? "-" : m.getHeaders().getFirst("Nats-Msg-Id");
                    if (data) {
                        System.out.printf("#%d %s%n%s%n", seq, m.getSubject(), new String(m.getData(), java.nio.charset.StandardCharsets.UTF_8));
                    } else {
                        System.out.printf("  #%d  %-32s  %-48s  %d bytes%n", seq, m.getSubject(), id, m.getData().length);
                    }
                } catch (JetStreamApiException deleted) {
                    // a deleted sequence
                }
            }
        }
    }
}
