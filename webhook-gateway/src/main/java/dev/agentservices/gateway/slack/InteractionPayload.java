package dev.agentservices.gateway.slack;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The fields of a Slack interactivity payload ({@code payload=} JSON) that the gateway routes on. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InteractionPayload(String type, String apiAppId, String triggerId, User user, Channel channel,
        Container container, Message message, List<Action> actions, Team team, Team enterprise) {

    /** A workspace ({@code team}) or an organization ({@code enterprise}): its id. */
    @RegisterForReflection
    public record Team(String id) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record User(String id, String teamId) {
    }

    @RegisterForReflection
    public record Channel(String id) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Container(String type, String channelId, String messageTs, String threadTs, String viewId) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Message(String ts, String threadTs) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Action(String actionId, String actionTs) {
    }

    String channelId() {
        if (channel != null && channel.id() != null) {
            return channel.id();
        }
        return container == null ? null : container.channelId();
    }

    /** The thread the clicked message belongs to, or the message itself when it is not in a thread. */
    String threadRoot() {
        if (message != null && message.threadTs() != null) {
            return message.threadTs();
        }
        if (container != null && container.threadTs() != null) {
            return container.threadTs();
        }
        if (message != null && message.ts() != null) {
            return message.ts();
        }
        return container == null ? null : container.messageTs();
    }

    /**
     * This interaction's identity: the action's {@code action_ts} with the user and the container (the same
     * click redelivered shares all three), else the {@code trigger_id}; null when the payload has neither.
     */
    String dedupKey() {
        String userId = user == null ? "-" : user.id();
        if (actions != null && !actions.isEmpty() && actions.get(0).actionTs() != null) {
            String where = container == null ? "-"
                    : container.viewId() != null ? container.viewId() : channelId() + ":" + container.messageTs();
            return actions.get(0).actionTs() + ":" + userId + ":" + where;
        }
        return triggerId == null ? null : "trigger:" + triggerId;
    }
}
