package dev.agentservices.gateway.slack;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The fields of a Slack Events API request that the gateway routes on. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SlackEventPayload(String type, String challenge, String eventId, String apiAppId, String teamId,
        String enterpriseId, Boolean isExtSharedChannel, Event event) {

    /** The inner event of an {@code event_callback}. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Event(String type, String subtype, String channel, String ts, String threadTs, String user, String botId,
            String text, List<File> files, String userTeam) {

        /** The thread this message belongs to: its parent's ts, or its own when it starts one. */
        String threadRoot() {
            return threadTs != null && !threadTs.isBlank() ? threadTs : ts;
        }
    }

    /** A file shared with the message; its private URLs need the bot token. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record File(String id, String name, String mimetype, long size, String urlPrivate, String urlPrivateDownload) {
    }
}
