package dev.agentservices.common.session;

/**
 * The repository a session works on, planned by the worker before its first run: the run clones it onto
 * {@code branch} and every later turn and run keeps that checkout; what the agent changed is pushed to
 * {@code branch} and offered as one draft pull request per session.
 *
 * @param repository    {@code owner/name}; null when the session works on no repository, in an empty folder (its
 *                      record then keeps only the briefing)
 * @param baseBranch    the branch the work starts from: a pull request's head branch when the session is that
 *                      pull request's conversation; null for the repository's default branch
 * @param branch        where the run commits and pushes; never the default branch
 * @param pullRequest   the pull request the work goes to once it exists (the session's own draft, or the pull
 *                      request the session is about); null before
 * @param pullRequestUrl its web address
 * @param briefing      what the request is about, as fetched when the session started (the issue or pull
 *                      request with its recent comments), bounded; quoted to the agent as data
 * @param unconfirmedAuthors who wrote part of the briefing without being allowed to ask for work (a GitHub author
 *                      whose association is not an allowed one): until a member confirms, no run starts on it; empty
 *                      when nobody did, or once a member confirmed
 */
public record Workspace(String repository, String baseBranch, String branch, Long pullRequest, String pullRequestUrl,
        String briefing, java.util.List<String> unconfirmedAuthors) {

    /** The most of a briefing a record keeps: it goes into every first prompt of the session, and into its record. */
    public static final int BRIEFING_KEPT = 24_000;

    public Workspace {
        if (briefing != null && briefing.length() > BRIEFING_KEPT) {
            briefing = briefing.substring(0, BRIEFING_KEPT) + "\n[… cut: the rest is on the platform]";
        }
        unconfirmedAuthors = unconfirmedAuthors == null ? java.util.List.of() : java.util.List.copyOf(unconfirmedAuthors);
    }

    public Workspace(String repository, String baseBranch, String branch, Long pullRequest, String pullRequestUrl, String briefing) {
        this(repository, baseBranch, branch, pullRequest, pullRequestUrl, briefing, java.util.List.of());
    }

    /** Whether a member must confirm before a run acts on the briefing: outsiders wrote part of it. */
    public boolean awaitsConfirmation() {
        return !unconfirmedAuthors.isEmpty();
    }

    /** The workspace once a member confirmed that the run may act on what outsiders wrote. */
    public Workspace confirmed() {
        return new Workspace(repository, baseBranch, branch, pullRequest, pullRequestUrl, briefing, java.util.List.of());
    }

    /** Whether the session works on a repository (else only its briefing is known). */
    public boolean hasRepository() {
        return repository != null;
    }

    public Workspace withPullRequest(long number, String url) {
        return new Workspace(repository, baseBranch, branch, number, url, briefing, unconfirmedAuthors);
    }
}
