package dev.agentservices.dashboard.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Refusals of the HTTP security layer (no token, a token that fails verification, a path the caller may
 * not use) in the services' one JSON error shape, as the API's own refusals are, instead of an empty body.
 */
@Singleton
public class JsonAuthFailures {

    private final SessionCookie cookie;

    public JsonAuthFailures(SessionCookie cookie) {
        this.cookie = cookie;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failure);
        // no credentials at all: the security layer would answer with a bare challenge
        router.route("/api/sessions/*").order(Integer.MIN_VALUE).handler(context -> {
            if (context.request().getHeader(HttpHeaders.AUTHORIZATION) == null && context.request().getCookie(cookie.name()) == null) {
                end(context, 401, "unauthenticated", "Sign in, or send Authorization: Bearer with a valid access token from the dashboard's issuer");
            } else {
                context.next();
            }
        });
    }

    private void failure(RoutingContext context) {
        Throwable failure = context.failure();
        if (context.response().ended() || context.response().headWritten()) {
            context.next();
            return;
        }
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException) {
            end(context, 401, "unauthenticated", "Sign in, or send Authorization: Bearer with a valid access token from the dashboard's issuer");
        } else if (failure instanceof ForbiddenException) {
            end(context, 403, "permission_denied", "You may not use this path");
        } else {
            context.next();
        }
    }

    private static void end(RoutingContext context, int status, String error, String message) {
        var response = context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.end("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}");
    }
}
