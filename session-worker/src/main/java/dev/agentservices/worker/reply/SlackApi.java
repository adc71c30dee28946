package dev.agentservices.worker.reply;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.Map;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The Slack Web API methods the worker calls, at {@code SLACK_API_URL}. */
@RegisterRestClient(configKey = "slack")
@Path("/")
public interface SlackApi {

    @POST
    @Path("chat.postMessage")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    SlackResponse postMessage(@HeaderParam("Authorization") String authorization, PostMessage message);

    /** {@code chat.update}: the text of a message the app posted. */
    @POST
    @Path("chat.update")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    SlackResponse updateMessage(@HeaderParam("Authorization") String authorization, UpdateMessage message);

    @RegisterForReflection
    record UpdateMessage(String channel, String ts, String text) {
    }

    @POST
    @Path("reactions.add")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    SlackResponse addReaction(@HeaderParam("Authorization") String authorization, Reaction reaction);

    /** {@code reactions.add}: an emoji, by name, on the message {@code timestamp} of {@code channel}. */
    @RegisterForReflection
    record Reaction(String channel, String timestamp, String name) {
    }

    /** A thread's messages with their metadata, a page at a time ({@code conversations.replies}). */
    @GET
    @Path("conversations.replies")
    @Produces(MediaType.APPLICATION_JSON)
    Replies replies(@HeaderParam("Authorization") String authorization, @QueryParam("channel") String channel,
            @QueryParam("ts") String threadTs, @QueryParam("include_all_metadata") boolean includeAllMetadata,
            @QueryParam("limit") int limit, @QueryParam("cursor") String cursor);

    /**
     * {@code chat.postMessage} in a thread, with the metadata that says which reply it is; {@code blocks} (Block
     * Kit) when it asks a question, {@code text} then being the notification's fallback.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PostMessage(String channel, @JsonProperty("thread_ts") String threadTs, String text, Metadata metadata,
            List<Map<String, Object>> blocks) {
    }

    /** Slack message metadata: an event type and a payload of our own. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Metadata(@JsonProperty("event_type") String eventType, @JsonProperty("event_payload") Map<String, Object> eventPayload) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Replies(boolean ok, String error, List<ReplyMessage> messages,
            @JsonProperty("response_metadata") ResponseMetadata responseMetadata) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ReplyMessage(String ts, Metadata metadata, String text, String user,
            @JsonProperty("bot_id") String botId, String team, @JsonProperty("user_team") String userTeam) {

        public ReplyMessage(String ts, Metadata metadata, String text, String user, String botId) {
            this(ts, metadata, text, user, botId, null, null);
        }

        /** The workspace of the message's author: {@code user_team} in shared channels, else {@code team}. */
        public String authorTeam() {
            return userTeam != null ? userTeam : team;
        }
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ResponseMetadata(@JsonProperty("next_cursor") String nextCursor) {
    }

    /** Slack answers 200 with {@code ok: false} for most failures. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SlackResponse(boolean ok, String error, String ts) {
    }
}
