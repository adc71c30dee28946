package dev.agentservices.dashboard.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Accepts an access token only when it was issued to one of the dashboard's own clients: the Okta app that signs
 * browsers in ({@code OKTA_CLIENT_ID}) and the clients scripts use ({@code DASHBOARD_API_CLIENT_IDS}), read from Okta's
 * {@code cid} claim (else {@code azp}, {@code client_id}). An authorization server's audience alone (Okta's default is
 * {@code api://default}) is shared by every app of the organization. Required outside local mode: start-up fails
 * without a client id, rather than accepting every app's tokens.
 */
@ApplicationScoped
public class TokenClientCheck implements SecurityIdentityAugmentor {

    private final boolean enabled;
    private final Set<String> clients = new LinkedHashSet<>();

    public TokenClientCheck(@ConfigProperty(name = "dashboard.client-check", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "dashboard.sign-in.client-id") Optional<String> signInClient,
            @ConfigProperty(name = "dashboard.api-client-ids") Optional<List<String>> apiClients) {
        this.enabled = enabled;
        signInClient.map(String::trim).filter(id -> !id.isEmpty()).ifPresent(clients::add);
        apiClients.orElse(List.of()).stream().map(String::trim).filter(id -> !id.isEmpty()).forEach(clients::add);
        if (enabled && clients.isEmpty()) {
            throw new IllegalStateException("dashboard-api accepts tokens only of its own clients: set OKTA_CLIENT_ID (the Okta app "
                    + "that signs browsers in) and, for scripts, DASHBOARD_API_CLIENT_IDS");
        }
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!enabled || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        String client = claim(token, "cid").or(() -> claim(token, "azp")).or(() -> claim(token, "client_id")).orElse(null);
        if (client == null || !clients.contains(client)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the token was issued to another client"));
        }
        return Uni.createFrom().item(identity);
    }

    private static Optional<String> claim(JsonWebToken token, String name) {
        Object value = token.getClaim(name);
        return value == null ? Optional.empty() : Optional.of(value.toString().replace("\"", "")).filter(v -> !v.isBlank());
    }
}
