package dev.agentservices.worker.slack;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The parts of a Slack {@code event_callback} the worker acts on. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SlackEvent(String type, String eventId, Event event) {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Event(String type, String subtype, String channel, String ts, String threadTs, String user, String botId,
            String text, java.util.List<File> files) {

        String threadRoot() {
            return threadTs != null ? threadTs : ts;
        }
    }

    /** A file shared with the message; its private URLs need the bot token. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record File(String id, String name, String mimetype, long size, String urlPrivate, String urlPrivateDownload) {
    }
}
