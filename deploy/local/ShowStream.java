import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamState;

/** Prints the last messages of a stream: sequence, subject, Nats-Msg-Id and size. Usage: URL STREAM [COUNT]. */
public class ShowStream {
    public static void main(String[] args) throws Exception {
        String stream = args[1];
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        try (Connection connection = Nats.connect(args[0])) {
            JetStreamManagement jsm = connection.jetStreamManagement();
            StreamState state = jsm.getStreamInfo(stream).getStreamState();
            System.out.printf("%s: %d messages%n", stream, state.getMsgCount());
            for (long seq = Math.max(state.getFirstSequence(), state.getLastSequence() - count + 1); seq <= state.getLastSequence(); seq++) {
                try {
                    MessageInfo m = jsm.getMessage(stream, seq);
                    String id = m.getHeaders() == null ? "-" : m.getHeaders().getFirst("Nats-Msg-Id");
                    System.out.printf("  #%d  %-32s  %-48s  %d bytes%n", seq, m.getSubject(), id, m.getData().length);
                } catch (JetStreamApiException deleted) {
                    // a deleted sequence
                }
            }
        }
    }
}
