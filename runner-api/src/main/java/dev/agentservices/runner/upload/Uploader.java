package dev.agentservices.runner.upload;

/** Who is uploading, as proven by its token, and the key prefix it may write under. */
public record Uploader(String description, String keyPrefix) {

    static Uploader pod(String sessionId) {
        return new Uploader("session " + sessionId, sessionPrefix(sessionId));
    }

    /** Where a session's pods upload, and so the only keys whose URLs the session's context may carry. */
    public static String sessionPrefix(String sessionId) {
        return "uploads/sessions/" + sessionId + "/";
    }

    static Uploader githubWorkflow(String repository) {
        return new Uploader("GitHub Actions in " + repository, "uploads/github/" + repository + "/");
    }
}
