package dev.agentservices.worker.reply;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
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

/**
 * GitHub REST at {@code GITHUB_API_URL}: comments and reactions for replies; an issue, its comments and pull
 * requests for a session's workspace and its draft pull request.
 */
@RegisterRestClient(configKey = "github")
@Path("/repos")
public interface GithubApi {

    @POST
    @Path("{owner}/{repo}/issues/{number}/comments")
    @Consumes(MediaType.APPLICATION_JSON)
    void createComment(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") long number,
            Comment comment);

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

    /** An issue or pull request as the issues API shows it ({@code pull_request} is set for a pull request). */
    @GET
    @Path("{owner}/{repo}/issues/{number}")
    @Produces(MediaType.APPLICATION_JSON)
    Issue issue(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") long number);

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Issue(long number, String title, String body, User user,
            @JsonProperty("author_association") String authorAssociation,
            @JsonProperty("pull_request") Object pullRequest) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record User(String login) {
    }

    /** A page of an issue's comments, oldest first, with who wrote them. */
    @GET
    @Path("{owner}/{repo}/issues/{number}/comments")
    @Produces(MediaType.APPLICATION_JSON)
    List<IssueComment> comments(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") long number,
            @QueryParam("per_page") int perPage, @QueryParam("page") int page);

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record IssueComment(long id, String body, User user, @JsonProperty("author_association") String authorAssociation) {
    }

    @GET
    @Path("{owner}/{repo}")
    @Produces(MediaType.APPLICATION_JSON)
    Repository repository(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo);

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Repository(@JsonProperty("full_name") String fullName,
            @JsonProperty("default_branch") String defaultBranch) {
    }

    @GET
    @Path("{owner}/{repo}/pulls/{number}")
    @Produces(MediaType.APPLICATION_JSON)
    PullRequest pull(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @PathParam("number") long number);

    /** The pull requests whose head is {@code head} ({@code owner:branch}), in any state. */
    @GET
    @Path("{owner}/{repo}/pulls")
    @Produces(MediaType.APPLICATION_JSON)
    List<PullRequest> pulls(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, @QueryParam("head") String head,
            @QueryParam("state") String state);

    @POST
    @Path("{owner}/{repo}/pulls")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    PullRequest createPull(@HeaderParam("Authorization") String authorization, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo, NewPullRequest pull);

    @RegisterForReflection
    record NewPullRequest(String title, String head, String base, String body, boolean draft) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PullRequest(long number, @JsonProperty("html_url") String htmlUrl, String state,
            Ref head, Ref base) {
    }

    /** A pull request's end: its branch, and the repository it lives in ({@code full_name}). */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Ref(String ref, RepositoryName repo) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RepositoryName(@JsonProperty("full_name") String fullName) {
    }
}
