package dev.agentservices.common.testing;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a stream back in tests, by sequence number, so a test can say exactly which messages its
 * requests stored: remember {@link #lastSequence()}, act, then read {@link #messagesAfter(long)}.
 */
public final class JetStreamProbe implements AutoCloseable {

    private final Connection connection;
    private final JetStreamManagement jsm;
    private final String stream;

    public JetStreamProbe(String url, String stream) {
        try {
            this.connection = Nats.connect(url);
            this.jsm = connection.jetStreamManagement();
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach NATS at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        this.stream = stream;
    }

    public long lastSequence() {
        try {
            return jsm.getStreamInfo(stream).getStreamState().getLastSequence();
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot read stream " + stream, e);
        }
    }

    /** Every message stored after {@code sequence}, in order. */
    public List<MessageInfo> messagesAfter(long sequence) {
        long last = lastSequence();
        List<MessageInfo> messages = new ArrayList<>();
        for (long seq = sequence + 1; seq <= last; seq++) {
            try {
                messages.add(jsm.getMessage(stream, seq));
            } catch (JetStreamApiException e) {
                // a deleted sequence: nothing to read there
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return messages;
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
    }
}
