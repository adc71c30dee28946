package dev.agentservices.worker.reply;

import io.quarkus.runtime.annotations.RegisterForReflection;
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

    @POST
    @Path("reactions.add")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    SlackResponse addReaction(@HeaderParam("Authorization") String authorization, Reaction reaction);

    /** {@code reactions.add}: an emoji, by name, on the message {@code timestamp} of {@code channel}. */
    @RegisterForReflection
    record Reaction(String channel, String timestamp, String name) {
    }

    /** {@code chat.postMessage} in a thread. */
    @RegisterForReflection
    record PostMessage(String channel, @com.fasterxml.jackson.annotation.JsonProperty("thread_ts") String threadTs,
            String text) {
    }

    /** Slack answers 200 with {@code ok: false} for most failures. */
    @RegisterForReflection
    record SlackResponse(boolean ok, String error, String ts) {
    }
}
