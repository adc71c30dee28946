package dev.agentservices.worker.launch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates core objects (pods, Secrets) in the sessions namespace with JSON written by the caller,
 * through the Kubernetes client's own HTTP client, so its configuration, credentials and retries apply, and
 * reads of an answer only the object's uid. The typed calls serialised a model for every request and parsed
 * every answer back into one, which was most of a launch's CPU (docs/benchmarks.md). Blocks: call it from
 * worker threads.
 */
final class SessionsNamespaceApi {

    private static final JsonFactory JSON = new JsonFactory();
    private static final String JSON_TYPE = "application/json";
    private static final int CONFLICT = 409;

    private final HttpClient http;
    private final String base;
    private final long timeoutMillis;

    SessionsNamespaceApi(KubernetesClient client, String namespace) {
        this.http = client.getHttpClient();
        String master = client.getMasterUrl().toString();
        this.base = (master.endsWith("/") ? master : master + "/") + "api/v1/namespaces/" + namespace + "/";
        int configured = client.getConfiguration().getRequestTimeout();
        this.timeoutMillis = configured > 0 ? configured : 10_000;
    }

    /** What a create did: made the object (with the uid the API server gave it) or found it there already. */
    record Created(boolean existed, String uid) {
    }

    /**
     * Creates the object; one that exists already (a repeated launch) is not an error.
     *
     * @param plural   {@code pods} or {@code secrets}
     * @param wantsUid whether to read the new object's uid from the answer
     */
    Created create(String plural, byte[] object, boolean wantsUid) {
        HttpRequest request = http.newHttpRequestBuilder().uri(base + plural).post(JSON_TYPE, object)
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS).build();
        HttpResponse<byte[]> answer = send(request, "POST", plural);
        if (answer.code() == CONFLICT) {
            return new Created(true, null);
        }
        requireSuccess(answer, "POST", plural);
        return new Created(false, wantsUid ? uid(answer.body()) : null);
    }

    private HttpResponse<byte[]> send(HttpRequest request, String method, String path) {
        try {
            // the request's own timeout ends it first; this only guards against a future never completed
            return http.sendAsync(request, byte[].class).get(timeoutMillis + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException(method + " " + base + path + " interrupted", e);
        } catch (ExecutionException e) {
            throw new KubernetesClientException(method + " " + base + path + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KubernetesClientException(method + " " + base + path + " got no answer in " + timeoutMillis + " ms", e);
        }
    }

    private void requireSuccess(HttpResponse<byte[]> answer, String method, String path) {
        if (!answer.isSuccessful()) {
            throw new KubernetesClientException(method + " " + base + path + ": " + answer.code() + " " + statusMessage(answer.body()),
                    answer.code(), null);
        }
    }

    /** The {@code message} of a Kubernetes Status answer, for the exception; empty when there is none. */
    private static String statusMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if ("message".equals(field)) {
                    return parser.getValueAsString("");
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // not JSON: the code says enough
        }
        return "";
    }

    /** The top-level {@code metadata.uid} of an object's JSON, or null. */
    static String uid(byte[] object) {
        if (object == null) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(object)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"metadata".equals(field) || value != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    parser.nextToken();
                    if ("uid".equals(key)) {
                        return parser.getValueAsString();
                    }
                    parser.skipChildren();
                }
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
