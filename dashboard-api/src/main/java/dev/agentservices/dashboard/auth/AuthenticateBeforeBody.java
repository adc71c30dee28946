package dev.agentservices.dashboard.auth;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The Connect API ({@code /api/dashboard/*}) checks its callers itself, for Connect's error shape, which would mean
 * reading a body (up to 1 MiB, zipped or not) before knowing who sent it: many such bodies at once from nobody filled
 * the heap. This gate verifies the bearer token or the session cookie first, with the request paused, and answers 401
 * in Connect's shape without reading a byte of the body when there is none or it does not verify.
 */
@Singleton
public class AuthenticateBeforeBody {

    private static final String PATH = "/api/dashboard/*";
    private static final String REFUSAL = "{\"code\":\"unauthenticated\",\"message\":\"Sign in, or send Authorization: Bearer with a "
            + "valid access token from the dashboard's issuer\"}";

    private final SessionCookie cookie;
    private final IdentityProviderManager identities;

    public AuthenticateBeforeBody(SessionCookie cookie, IdentityProviderManager identities) {
        this.cookie = cookie;
        this.identities = identities;
    }

    void register(@Observes Router router) {
        router.route(PATH).order(Integer.MIN_VALUE + 1).handler(this::gate);
    }

    private void gate(RoutingContext context) {
        String token = token(context);
        if (token == null) {
            refuse(context);
            return;
        }
        context.request().pause();
        Context here = Vertx.currentContext();
        TokenAuthenticationRequest request = new TokenAuthenticationRequest(new AccessTokenCredential(token));
        HttpSecurityUtils.setRoutingContextAttribute(request, context);
        identities.authenticate(request).subscribe().with(
                identity -> here.runOnContext(ignored -> {
                    context.request().resume();
                    context.next();
                }),
                failure -> here.runOnContext(ignored -> refuse(context)));
    }

    /** The bearer token, else the session cookie's; null when the request carries neither. */
    private String token(RoutingContext context) {
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            return authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() > 7
                    ? authorization.substring(7).strip() : null;
        }
        var sessionCookie = context.request().getCookie(cookie.name());
        return sessionCookie == null || sessionCookie.getValue().isBlank() ? null : sessionCookie.getValue();
    }

    private static void refuse(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        // the body is left unread: the connection closes after this answer
        context.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("WWW-Authenticate", "Bearer").putHeader(HttpHeaders.CONNECTION, "close").end(REFUSAL);
    }
}
