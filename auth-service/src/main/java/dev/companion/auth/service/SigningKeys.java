package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import dev.companion.common.api.ApiException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The RSA key that signs tokens and the public keys the JWKS publishes. In production the private
 * key comes from {@code AUTH_SIGNING_KEY} (a Secret) and earlier public keys from
 * {@code AUTH_PREVIOUS_PUBLIC_KEYS}; locally a key is generated into {@code AUTH_KEYS_DIR} on first
 * start, and {@link #rotate()} replaces it while the old public key stays published until every
 * token it signed has expired. The {@code kid} is the key's RFC 7638 thumbprint.
 */
@Startup
@ApplicationScoped
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final String CURRENT = "signing-key.pem";
    private static final String RETIRED = "retired";

    /** A published verification key; {@code retiredAt} null while it signs or when kept by configuration. */
    public record PublishedKey(String kid, RSAPublicKey key, Instant retiredAt) {
    }

    private record Signer(String kid, PrivateKey key, RSAPublicKey publicKey) {
    }

    private final AuthConfig config;
    private final Path dir;
    private final boolean fromSecret;
    /** How long a retired key stays published: the longest life of a token it may have signed. */
    private final Duration keepRetired;
    private volatile Signer signer;
    private volatile List<PublishedKey> previous;

    public SigningKeys(AuthConfig config) {
        this.config = config;
        this.dir = Path.of(config.keys().dir()).toAbsolutePath();
        this.fromSecret = config.keys().signingKey().filter(s -> !s.isBlank()).isPresent();
        Duration access = config.accessTokenTtl();
        Duration api = config.apiTokenAccessTtl();
        this.keepRetired = (access.compareTo(api) >= 0 ? access : api).plusMinutes(5);
        load();
    }

    public String currentKid() {
        return signer.kid();
    }

    public PrivateKey currentKey() {
        return signer.key();
    }

    /** Keys to publish: the signing key first, then earlier keys still needed to verify live tokens. */
    public List<PublishedKey> published() {
        List<PublishedKey> all = new ArrayList<>();
        Signer s = signer;
        all.add(new PublishedKey(s.kid(), s.publicKey(), null));
        Instant cutoff = Instant.now().minus(keepRetired);
        for (PublishedKey k : previous) {
            if ((k.retiredAt() == null || k.retiredAt().isAfter(cutoff)) && !k.kid().equals(s.kid())) {
                all.add(k);
            }
        }
        return all;
    }

    /** The JWKS document, as smallrye-jwt (and any JOSE library) reads it. */
    public Map<String, Object> jwks() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (PublishedKey k : published()) {
            keys.add(jwk(k.kid(), k.key()));
        }
        return Map.of("keys", keys);
    }

    /**
     * Local rotation: a new key signs from now on; the old public key stays in the JWKS until its
     * tokens have expired. With a key from a Secret, rotation is a deployment (new Secret, old public
     * key moved to AUTH_PREVIOUS_PUBLIC_KEYS), so this refuses.
     */
    public synchronized String rotate() {
        if (fromSecret) {
            throw ApiException.conflict("The signing key comes from AUTH_SIGNING_KEY; rotate it by deployment");
        }
        try {
            Signer old = signer;
            Path retiredDir = Files.createDirectories(dir.resolve(RETIRED));
            Instant now = Instant.now();
            Files.writeString(retiredDir.resolve(now.getEpochSecond() + "-" + old.kid() + ".pub.pem"),
                    pem("PUBLIC KEY", old.publicKey().getEncoded()));
            Signer fresh = generate();
            writePrivate(fresh.key());
            pruneRetired(retiredDir);
            signer = fresh;
            previous = readRetired(retiredDir);
            LOG.infof("signing key rotated: %s -> %s", old.kid(), fresh.kid());
            return fresh.kid();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("key rotation failed", e);
        }
    }

    private void load() {
        try {
            if (fromSecret) {
                PrivateKey key = privateKey(config.keys().signingKey().get());
                RSAPublicKey pub = publicOf(key);
                signer = new Signer(thumbprint(pub), key, pub);
                List<PublishedKey> prev = new ArrayList<>();
                for (byte[] der : pemBlocks(config.keys().previousPublicKeys().orElse(""), "PUBLIC KEY")) {
                    RSAPublicKey p = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
                    prev.add(new PublishedKey(thumbprint(p), p, null));
                }
                previous = prev;
                LOG.infof("signing key from configuration, kid %s, %d previous key(s) published", signer.kid(), prev.size());
                return;
            }
            Files.createDirectories(dir);
            Path current = dir.resolve(CURRENT);
            if (Files.exists(current)) {
                PrivateKey key = privateKey(Files.readString(current));
                RSAPublicKey pub = publicOf(key);
                signer = new Signer(thumbprint(pub), key, pub);
            } else {
                signer = generate();
                writePrivate(signer.key());
                LOG.infof("generated a signing key in %s (kid %s); never commit it", dir, signer.kid());
            }
            previous = readRetired(dir.resolve(RETIRED));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not load the signing key", e);
        }
    }

    private Signer generate() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        return new Signer(thumbprint(pub), pair.getPrivate(), pub);
    }

    private void writePrivate(PrivateKey key) throws IOException {
        // write then move, so a crash never leaves half a key; owner-only permissions
        Path tmp = dir.resolve(CURRENT + ".tmp");
        Files.writeString(tmp, pem("PRIVATE KEY", key.getEncoded()));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, dir.resolve(CURRENT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private List<PublishedKey> readRetired(Path retiredDir) throws IOException, GeneralSecurityException {
        List<PublishedKey> list = new ArrayList<>();
        if (!Files.isDirectory(retiredDir)) {
            return list;
        }
        try (Stream<Path> files = Files.list(retiredDir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".pub.pem") || name.indexOf('-') < 0) {
                    continue;
                }
                Instant retiredAt = Instant.ofEpochSecond(Long.parseLong(name.substring(0, name.indexOf('-'))));
                for (byte[] der : pemBlocks(Files.readString(f), "PUBLIC KEY")) {
                    RSAPublicKey p = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
                    list.add(new PublishedKey(thumbprint(p), p, retiredAt));
                }
            }
        }
        return list;
    }

    private void pruneRetired(Path retiredDir) throws IOException {
        Instant cutoff = Instant.now().minus(keepRetired);
        try (Stream<Path> files = Files.list(retiredDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash > 0 && name.endsWith(".pub.pem")
                        && Instant.ofEpochSecond(Long.parseLong(name.substring(0, dash))).isBefore(cutoff)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        List<byte[]> blocks = pemBlocks(pem, "PRIVATE KEY");
        if (blocks.isEmpty()) {
            throw new GeneralSecurityException("no PKCS#8 'BEGIN PRIVATE KEY' block found");
        }
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
    }

    static RSAPublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new GeneralSecurityException("the signing key must be an RSA private key (PKCS#8)");
        }
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    }

    static List<byte[]> pemBlocks(String text, String type) {
        List<byte[]> out = new ArrayList<>();
        // env values often arrive with literal "\n"
        Matcher m = PEM.matcher(text.replace("\\n", "\n"));
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static Map<String, Object> jwk(String kid, RSAPublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        jwk.put("kid", kid);
        jwk.put("n", b64(key.getModulus()));
        jwk.put("e", b64(key.getPublicExponent()));
        return jwk;
    }

    /** RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order. */
    static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + b64(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\"" + b64(key.getModulus()) + "\"}";
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(OpaqueTokens.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
