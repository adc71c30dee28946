package dev.agentservices.common.session;

/** Something a run produced and reports back: a comment, a pull request, a label. */
public record Artifact(String kind, String title, String url) {
}
