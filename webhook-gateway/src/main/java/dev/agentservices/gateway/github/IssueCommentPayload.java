package dev.agentservices.gateway.github;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The fields of a GitHub {@code issue_comment} event that the gateway routes on. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IssueCommentPayload(String action, Issue issue, Comment comment, Repository repository, Installation installation) {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Issue(Long number, String title, Object pullRequest) {
    }

    /** {@code author_association}: the author's relation to the repository (OWNER, MEMBER, COLLABORATOR, NONE, ...). */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Comment(Long id, String body, User user, String authorAssociation) {
    }

    @RegisterForReflection
    public record User(String login, String type) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Repository(String fullName, User owner) {
    }

    /** The GitHub App installation the webhook came through. */
    @RegisterForReflection
    public record Installation(Long id) {
    }
}
