package dev.agentservices.worker.reply;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The GitHub App endpoints at {@code GITHUB_API_URL}: which installation serves a repository, and its tokens.
 * The only {@code Accept} is GitHub's own media type, given by the caller.
 */
@RegisterRestClient(configKey = "github")
@Path("/")
public interface GithubAppApi {

    /** The App's installation on a repository; authorized with the App JWT. */
    @GET
    @Path("repos/{owner}/{repo}/installation")
    Installation installation(@HeaderParam("Authorization") String appJwt, @HeaderParam("Accept") String accept,
            @PathParam("owner") String owner, @PathParam("repo") String repo);

    /** An installation access token, valid an hour; limited to {@code repositories} when they are given. */
    @POST
    @Path("app/installations/{id}/access_tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    AccessToken accessToken(@HeaderParam("Authorization") String appJwt, @HeaderParam("Accept") String accept,
            @PathParam("id") long installationId, TokenRequest request);

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Installation(long id) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AccessToken(String token, @JsonProperty("expires_at") Instant expiresAt) {
    }

    /** Empty fields are left out: an empty request asks for every repository and permission of the installation. */
    @RegisterForReflection
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
    record TokenRequest(List<String> repositories, Map<String, String> permissions) {
    }
}
