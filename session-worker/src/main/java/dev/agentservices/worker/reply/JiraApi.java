package dev.agentservices.worker.reply;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

/** Jira REST v2: a plain-text comment on an issue. Built per agent for its Jira base URL. */
@Path("/rest/api/2")
public interface JiraApi {

    @POST
    @Path("issue/{issueKey}/comment")
    @Consumes(MediaType.APPLICATION_JSON)
    void addComment(@HeaderParam("Authorization") String authorization, @PathParam("issueKey") String issueKey,
            Comment comment);

    @RegisterForReflection
    record Comment(String body) {
    }
}
