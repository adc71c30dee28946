package dev.agentservices.common.session;

/** Something a run produced and reports back: a comment, a pull request, a label. */
public record Artifact(String kind, String title, String url) {

    /** The artifact as one line of a reply: {@code • kind: title url}. */
    public String line() {
        return "• " + kind + ": " + (title == null ? "" : title) + (url == null ? "" : " " + url);
    }
}
