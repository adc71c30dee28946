package dev.agentservices.runner.session;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.RunView;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.Workspace;
import dev.agentservices.runner.upload.UploadConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** What a session pod needs to do its run: {@code GET /api/runner/sessions/{id}}. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunnerContext(String sessionId, String agent, int run, int turn, String source, String sessionKey,
        String title, String prompt, String instructions, List<SessionMessage> messages, String stateKey, String stateUrl,
        String scrollbackKey, String scrollbackUrl, String agentSessionId, WorkspaceCheckout workspace,
        Configuration configuration) {

    /**
     * The repository the run clones (from {@code $GITHUB_GIT_URL/{repository}.git}), the branch it starts from
     * (null: the default branch) and the branch it works and pushes on; null when the session has no repository.
     */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WorkspaceCheckout(String repository, String baseBranch, String branch) {
    }

    /** How the pod may work with this API and where its results go. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Configuration(Origin replyTo, String uploadPath, long maxUploadBytes, List<String> uploadContentTypes,
            String completePath, String pausePath, String nextPath, String endPath) {
    }

    /** {@code stateUrl} and {@code scrollbackUrl} download what was uploaded through {@code /api/upload}. */
    static RunnerContext of(RunView session, String stateUrl, String scrollbackUrl, UploadConfig uploads) {
        String base = "/api/runner/sessions/" + session.id();
        Workspace workspace = session.workspace();
        // a session on a repository is told where it works, what the request is about and who wrote what
        String prompt = TurnPrompt.of(session);
        return new RunnerContext(session.id(), session.agent(), session.run(), session.turn(), session.source().token(),
                session.key().toString(), session.title(), prompt, session.instructions(), session.messages(),
                session.stateKey(), stateUrl, session.scrollbackKey(), scrollbackUrl, session.agentSessionId(),
                workspace == null || !workspace.hasRepository() ? null : new WorkspaceCheckout(workspace.repository(), workspace.baseBranch(), workspace.branch()),
                new Configuration(session.origin(), "/api/upload", uploads.maxSize().asLongValue(),
                        uploads.allowedContentTypes(), base + "/complete", base + "/pause", base + "/next", base + "/end"));
    }
}
