package dev.agentservices.worker.reply;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.agent.Agent;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * GitHub credentials of an agent. With a GitHub App ({@code GITHUB_APP_ID}, {@code GITHUB_APP_PRIVATE_KEY})
 * the worker signs an App JWT (RS256, nine minutes), finds the App's installation on the repository, and
 * exchanges the JWT for an installation token: one per installation for replies and reactions, cached until
 * five minutes before it expires, and for each run a token of its own limited to its one repository (an
 * hour). Without an App, replies use {@code GITHUB_TOKEN} and runs get no GitHub token.
 */
@Singleton
public class GithubAppTokens {

    static final String ACCEPT = "application/vnd.github+json";
    private static final Duration JWT_LIFETIME = Duration.ofMinutes(9);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    private static final Pattern PEM = Pattern.compile("-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END (RSA )?PRIVATE KEY-----");

    private final GithubAppApi api;
    private final ObjectMapper mapper;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Long> installations = new ConcurrentHashMap<>();
    private final Map<String, GithubAppApi.AccessToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, PrivateKey> keys = new ConcurrentHashMap<>();

    public GithubAppTokens(@RestClient GithubAppApi api, ObjectMapper mapper) {
        this.api = api;
        this.mapper = mapper;
    }

    /** {@code Authorization} for replies and reactions on {@code repository} ({@code owner/name}); empty without credentials. */
    public Optional<String> authorization(Agent agent, String repository) {
        Optional<Agent.GithubApp> github = agent.github();
        if (github.flatMap(Agent.GithubApp::app).isPresent()) {
            Agent.AppCredentials app = github.get().app().get();
            long installation = installation(app, repository);
            String key = app.appId() + "/" + installation;
            GithubAppApi.AccessToken token = tokens.compute(key, (k, cached) -> cached != null
                    && cached.expiresAt() != null && clock.instant().plus(RENEW_BEFORE).isBefore(cached.expiresAt()) ? cached
                    : api.accessToken("Bearer " + appJwt(app), ACCEPT, installation, new GithubAppApi.TokenRequest(List.of(), Map.of())));
            return Optional.of("Bearer " + token.token());
        }
        return github.flatMap(Agent.GithubApp::token).map(secret -> "Bearer " + secret.reveal());
    }

    /**
     * What a run's token may do, and no more: read and write the code, pull requests and issues (comments, labels),
     * read the repository's metadata; the permissions of the App's manifest ({@code deploy/github/app-manifest.json}),
     * asked for explicitly so that an App given more (administration, workflows, secrets) never lends it to a run.
     */
    static final Map<String, String> RUN_PERMISSIONS = Map.of("contents", "write", "pull_requests", "write", "issues", "write",
            "metadata", "read");

    /** A token for one run, limited to {@code repository} and {@link #RUN_PERMISSIONS}; empty without a GitHub App. */
    public Optional<String> runToken(Agent agent, String repository) {
        Optional<Agent.AppCredentials> app = agent.github().flatMap(Agent.GithubApp::app);
        if (app.isEmpty()) {
            return Optional.empty();
        }
        long installation = installation(app.get(), repository);
        String name = repository.substring(repository.indexOf('/') + 1);
        return Optional.of(api.accessToken("Bearer " + appJwt(app.get()), ACCEPT, installation,
                new GithubAppApi.TokenRequest(List.of(name), RUN_PERMISSIONS)).token());
    }

    private long installation(Agent.AppCredentials app, String repository) {
        String[] parts = repository.split("/", 2);
        return installations.computeIfAbsent(app.appId() + "/" + repository,
                k -> api.installation("Bearer " + appJwt(app), ACCEPT, parts[0], parts[1]).id());
    }

    /** The App JWT: issued a minute back (GitHub's clock may lag), valid nine minutes, signed RS256 with the App's key. */
    String appJwt(Agent.AppCredentials app) {
        try {
            Instant now = clock.instant();
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            String header = base64.encodeToString(mapper.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT")));
            String claims = base64.encodeToString(mapper.writeValueAsBytes(Map.of("iat", now.minusSeconds(60).getEpochSecond(),
                    "exp", now.plus(JWT_LIFETIME).getEpochSecond(), "iss", app.appId())));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.computeIfAbsent(app.appId(), id -> privateKey(app.privateKey().reveal())));
            signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + base64.encodeToString(signature.sign());
        } catch (GeneralSecurityException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The GitHub App JWT could not be signed: " + e.getMessage(), e);
        }
    }

    /** An RSA key from PEM: PKCS #1 ({@code BEGIN RSA PRIVATE KEY}, as GitHub issues it) or PKCS #8. */
    static PrivateKey privateKey(String pem) {
        Matcher matcher = PEM.matcher(pem.replace("\\n", "\n"));
        if (!matcher.find()) {
            throw new IllegalStateException("GITHUB_APP_PRIVATE_KEY is not a PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(matcher.group(1) == null ? der : pkcs8(der)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GITHUB_APP_PRIVATE_KEY is not an RSA private key: " + e.getMessage(), e);
        }
    }

    /** Wraps a PKCS #1 RSA key in the PKCS #8 structure Java reads: the rsaEncryption algorithm and the key as an octet string. */
    static byte[] pkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int length = content.length;
        byte[] lengthBytes;
        if (length < 0x80) {
            lengthBytes = new byte[] {(byte) length};
        } else if (length < 0x100) {
            lengthBytes = new byte[] {(byte) 0x81, (byte) length};
        } else if (length < 0x10000) {
            lengthBytes = new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
        } else {
            lengthBytes = new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
        }
        byte[] out = new byte[1 + lengthBytes.length + length];
        out[0] = (byte) tag;
        System.arraycopy(lengthBytes, 0, out, 1, lengthBytes.length);
        System.arraycopy(content, 0, out, 1 + lengthBytes.length, length);
        return out;
    }
}
