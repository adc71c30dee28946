package dev.agentservices.common.nats;

import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How this service proves itself to NATS: user and password, a token, or a creds file (one of them), and
 * TLS from PEM files. Secrets go into the connection options only; {@link #redact} keeps them out of log lines.
 */
public final class NatsCredentials {

    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^@/]*@");
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private NatsCredentials() {
    }

    /** Adds the configured authentication and TLS to {@code options}; refuses settings that contradict each other. */
    static Options.Builder apply(NatsConfig config, Options.Builder options) {
        int ways = (config.user().isPresent() ? 1 : 0) + (config.token().isPresent() ? 1 : 0) + (config.creds().isPresent() ? 1 : 0);
        if (ways > 1) {
            throw new IllegalStateException("Set one of NATS_USER (with NATS_PASSWORD), NATS_TOKEN and NATS_CREDS, not several");
        }
        if (config.password().isPresent() && config.user().isEmpty()) {
            throw new IllegalStateException("NATS_PASSWORD is set without NATS_USER");
        }
        config.user().ifPresent(user -> options.userInfo(user.toCharArray(), config.password().orElse("").toCharArray()));
        config.token().ifPresent(token -> options.token(token.toCharArray()));
        config.creds().ifPresent(creds -> {
            if (!Files.isReadable(Path.of(creds))) {
                throw new IllegalStateException("NATS_CREDS names " + creds + ", which cannot be read");
            }
            options.authHandler(Nats.credentials(creds));
        });
        if (config.tls().ca().isPresent() || config.tls().cert().isPresent()) {
            options.sslContext(sslContext(config.tls()));
        }
        return options;
    }

    /** {@code nats://user:secret@host:4222} as {@code nats://***@host:4222}: a URL fit for a log line. */
    public static String redact(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceFirst(Matcher.quoteReplacement("***@"));
    }

    static SSLContext sslContext(NatsConfig.Tls tls) {
        if (tls.cert().isPresent() != tls.key().isPresent()) {
            throw new IllegalStateException("NATS_TLS_CERT and NATS_TLS_KEY go together");
        }
        try {
            TrustManagerFactory trust = null;
            if (tls.ca().isPresent()) {
                KeyStore authorities = KeyStore.getInstance(KeyStore.getDefaultType());
                authorities.load(null, null);
                int i = 0;
                for (Certificate certificate : certificates(tls.ca().get())) {
                    authorities.setCertificateEntry("ca-" + i++, certificate);
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(authorities);
            }
            KeyManagerFactory keys = null;
            if (tls.cert().isPresent()) {
                char[] password = new char[0];
                KeyStore identity = KeyStore.getInstance(KeyStore.getDefaultType());
                identity.load(null, null);
                identity.setKeyEntry("client", privateKey(tls.key().get()), password,
                        certificates(tls.cert().get()).toArray(Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(identity, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("The NATS TLS files cannot be used: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(String path) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(path))));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException(path + " holds no PEM certificate");
        }
        return certificates;
    }

    private static PrivateKey privateKey(String path) throws IOException, GeneralSecurityException {
        Matcher pem = PRIVATE_KEY.matcher(Files.readString(Path.of(path), StandardCharsets.US_ASCII));
        if (!pem.find()) {
            throw new GeneralSecurityException(path + " is not a PKCS #8 private key (-----BEGIN PRIVATE KEY-----); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem.group(1)));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
