package dev.agentservices.gateway.github;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The fields of a GitHub {@code issue_comment} event that the gateway routes on. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IssueCommentPayload(String action, Issue issue, Comment comment, Repository repository) {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Issue(Long number, String title, Object pullRequest) {
    }

    @RegisterForReflection
    public record Comment(Long id, String body, User user) {
    }

    @RegisterForReflection
    public record User(String login, String type) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Repository(String fullName) {
    }
}
