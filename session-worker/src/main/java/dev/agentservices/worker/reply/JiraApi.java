package dev.agentservices.worker.reply;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Jira REST v2: a plain-text comment on an issue, with entity properties (each reply says which reply it
 * is), and a page of an issue's comments with their properties. Built per agent for its Jira base URL.
 */
@Path("/rest/api/2")
public interface JiraApi {

    @POST
    @Path("issue/{issueKey}/comment")
    @Consumes(MediaType.APPLICATION_JSON)
    void addComment(@HeaderParam("Authorization") String authorization, @PathParam("issueKey") String issueKey,
            Comment comment);

    @GET
    @Path("issue/{issueKey}/comment")
    @Produces(MediaType.APPLICATION_JSON)
    Comments comments(@HeaderParam("Authorization") String authorization, @PathParam("issueKey") String issueKey,
            @QueryParam("expand") String expand, @QueryParam("startAt") int startAt, @QueryParam("maxResults") int maxResults);

    /** An issue with the fields a briefing quotes ({@code summary,description,reporter,comment}). */
    @GET
    @Path("issue/{issueKey}")
    @Produces(MediaType.APPLICATION_JSON)
    Issue issue(@HeaderParam("Authorization") String authorization, @PathParam("issueKey") String issueKey,
            @QueryParam("fields") String fields);

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Issue(String key, IssueFields fields) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record IssueFields(String summary, String description, User reporter, IssueComments comment) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record IssueComments(int total, List<IssueComment> comments) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record IssueComment(User author, String body, String created) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record User(String displayName, String accountId) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Comment(String body, List<Property> properties) {
        public Comment(String body) {
            this(body, List.of());
        }
    }

    /** A comment's entity property: a key and a JSON value. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Property(String key, Map<String, Object> value) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Comments(int startAt, int maxResults, int total, List<PostedComment> comments) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PostedComment(String id, List<Property> properties) {
    }
}
