package dev.agentservices.common.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * A path no route serves gets the services' one JSON error shape with 404, not an HTML page: the last route
 * of every service's router.
 */
@Singleton
public class JsonNotFound {

    void register(@Observes Router router) {
        router.route().last().handler(context -> context.response().setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"error\":\"not_found\",\"message\":\"Nothing is served at this path\"}"));
    }
}
