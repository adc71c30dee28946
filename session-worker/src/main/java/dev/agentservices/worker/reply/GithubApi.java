package dev.agentservices.worker.reply;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

/** GitHub REST: a comment on an issue or pull request. */
@Path("/repos")
public interface GithubApi {

    @POST
    @Path("{owner}/{repo}/issues/{number}/comments")
    @Consumes(MediaType.APPLICATION_JSON)
    void createComment(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") long number,
            Comment comment);

    @RegisterForReflection
    record Comment(String body) {
    }
}
