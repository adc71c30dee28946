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
 */
public record Workspace(String repository, String baseBranch, String branch, Long pullRequest, String pullRequestUrl,
        String briefing) {

    /** The most of a briefing a record keeps: it goes into every first prompt of the session, and into its record. */
    public static final int BRIEFING_KEPT = 24_000;

    public Workspace {
        if (briefing != null && briefing.length() > BRIEFING_KEPT) {
            briefing = briefing.substring(0, BRIEFING_KEPT) + "\n[… cut: the rest is on the platform]";
        }
    }

    /** Whether the session works on a repository (else only its briefing is known). */
    public boolean hasRepository() {
        return repository != null;
    }

    public Workspace withPullRequest(long number, String url) {
        return new Workspace(repository, baseBranch, branch, number, url, briefing);
    }
}
