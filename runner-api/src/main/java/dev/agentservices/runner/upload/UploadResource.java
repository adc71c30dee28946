package dev.agentservices.runner.upload;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.runner.session.RunViews;
import dev.agentservices.runner.auth.PodTokenVerifier;
import dev.agentservices.runner.http.RunnerApiException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * {@code POST /api/upload}: a file from a session pod (its pod token) or from a GitHub Actions workflow
 * (its OIDC token), stored under a prefix the token decides ({@code uploads/sessions/{id}/} or
 * {@code uploads/github/{owner}/{repo}/}) and a fresh id, with only the file name's safe characters kept,
 * so no caller can write outside its prefix. Runs on a worker thread (S3 is blocking).
 */
@Path("/api/upload")
public class UploadResource {

    private final PodTokenVerifier podTokens;
    private final GithubOidcVerifier github;
    private final RunViews sessions;
    private final UploadStore store;
    private final UploadConfig config;

    public UploadResource(PodTokenVerifier podTokens, GithubOidcVerifier github, RunViews sessions, UploadStore store,
            UploadConfig config) {
        this.podTokens = podTokens;
        this.github = github;
        this.sessions = sessions;
        this.store = store;
        this.config = config;
    }

    /** Where the file went. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Uploaded(String key, String url, long size, String contentType) {
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @RestForm("file") FileUpload file) {
        Uploader uploader = uploader(PodTokenVerifier.bearerToken(authorization));
        if (file == null) {
            throw new RunnerApiException(400, "missing_file", "Send the file as the multipart form field \"file\"");
        }
        long maxSize = config.maxSize().asLongValue();
        if (file.size() > maxSize) {
            throw new RunnerApiException(413, "file_too_large", "The file is larger than the " + maxSize + " bytes allowed");
        }
        String bareType = file.contentType() == null ? "application/octet-stream"
                : file.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!config.allowedContentTypes().contains(bareType)) {
            throw new RunnerApiException(415, "unsupported_file_type",
                    "Files of type " + bareType + " are not accepted; allowed: " + String.join(", ", config.allowedContentTypes()));
        }
        String key = uploader.keyPrefix() + UUID.randomUUID() + "/" + safeName(file.fileName());
        String url = store.store(key, file.uploadedFile(), bareType);
        return Response.status(201).entity(new Uploaded(key, url, file.size(), bareType)).build();
    }

    private Uploader uploader(String token) {
        var pod = podTokens.verify(token);
        if (pod.isPresent()) {
            var session = sessions.get(pod.get().sessionId()).filter(s -> s.status() != SessionStatus.TERMINATED)
                    .orElseThrow(() -> new RunnerApiException(403, "session_terminated",
                            "The token's session does not exist or was terminated"));
            // bound to its run, as every other call of a pod: an earlier run's token uploads nothing
            if (pod.get().run() != session.run()) {
                throw new RunnerApiException(403, "run_over", "This token is for run " + pod.get().run() + "; the session is on run "
                        + session.run() + ": stop this one");
            }
            return Uploader.pod(pod.get().sessionId());
        }
        if (github.enabled()) {
            return github.verify(token);
        }
        throw new RunnerApiException(401, "invalid_token", "The token is not a valid pod token");
    }

    /** The file name without any path, with characters other than letters, digits, '.', '-' and '_' replaced. */
    static String safeName(String fileName) {
        String name = fileName == null ? "" : fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "");
        return name.isEmpty() ? "file" : name.length() > 128 ? name.substring(name.length() - 128) : name;
    }
}
