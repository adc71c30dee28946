package dev.agentservices.worker.reply;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** GitHub REST at {@code GITHUB_API_URL}: a comment on an issue or pull request, and reactions on comments. */
@RegisterRestClient(configKey = "github")
@Path("/repos")
public interface GithubApi {

    @POST
    @Path("{owner}/{repo}/issues/{number}/comments")
    @Consumes(MediaType.APPLICATION_JSON)
    void createComment(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") long number,
            Comment comment);

    /** A page of an issue's comments, oldest first. */
    @GET
    @Path("{owner}/{repo}/issues/{number}/comments")
    @Produces(MediaType.APPLICATION_JSON)
    List<IssueComment> comments(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") long number,
            @QueryParam("per_page") int perPage, @QueryParam("page") int page);

    @RegisterForReflection
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record IssueComment(long id, String body) {
    }

    /** A reaction on an issue comment: {@code content} is one of GitHub's reactions ({@code eyes}, {@code +1}, …). */
    @POST
    @Path("{owner}/{repo}/issues/comments/{commentId}/reactions")
    @Consumes(MediaType.APPLICATION_JSON)
    void addReaction(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("commentId") String commentId,
            Reaction reaction);

    @RegisterForReflection
    record Comment(String body) {
    }

    @RegisterForReflection
    record Reaction(String content) {
    }
}
