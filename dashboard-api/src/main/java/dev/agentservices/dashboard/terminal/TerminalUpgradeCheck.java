package dev.agentservices.dashboard.terminal;

import dev.agentservices.common.session.Session;
import dev.agentservices.dashboard.auth.CurrentUser;
import dev.agentservices.common.session.SessionView;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides before the WebSocket upgrade completes: the {@code Origin} must be the dashboard's own or an
 * allowed one (a terminal is a remote shell, so no other site may open it with the user's cookie), the
 * caller must be signed in, and the session must exist and belong to one of their teams.
 */
@ApplicationScoped
public class TerminalUpgradeCheck implements HttpUpgradeCheck {

    private final SessionView view;
    private final List<String> allowedOrigins;
    private final CurrentUser users;

    public TerminalUpgradeCheck(SessionView view, TerminalConfig config, CurrentUser users) {
        this.view = view;
        this.allowedOrigins = config.allowedOrigins().orElse(List.of()).stream().map(TerminalUpgradeCheck::normalise).toList();
        this.users = users;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return TerminalSocket.ENDPOINT_ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!originAllowed(context.httpRequest())) {
            return CheckResult.rejectUpgrade(403);
        }
        String id = context.pathParam("id");
        return context.securityIdentity().map(identity -> {
            if (identity == null || identity.isAnonymous()) {
                return CheckResult.rejectUpgradeSync(401);
            }
            Optional<Session> session = view.get(id).map(SessionView.Versioned::session);
            if (session.isEmpty()) {
                return CheckResult.rejectUpgradeSync(404);
            }
            return users.of(identity).maySee(session.get()) ? CheckResult.permitUpgradeSync()
                    : CheckResult.rejectUpgradeSync(403);
        });
    }

    /** Browsers always send Origin on a WebSocket upgrade; a request without one is not from a browser. */
    boolean originAllowed(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String normalised = normalise(origin);
        String host = request.getHeader("Host");
        if (host != null && (normalised.equals("http://" + host.toLowerCase(Locale.ROOT))
                || normalised.equals("https://" + host.toLowerCase(Locale.ROOT)))) {
            return true;
        }
        return allowedOrigins.contains(normalised);
    }

    /** scheme://host[:port] in lower case, without a trailing slash; "null" and garbage stay unmatched. */
    static String normalise(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "invalid:" + origin;
            }
            return (uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()))
                    .toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "invalid:" + origin;
        }
    }
}
