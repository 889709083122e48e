package dev.lumiaagent.certificate;

import dev.lumiaagent.paths.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * The station's signing key: an Ed25519 key pair (JDK 15+, no library), made on first use and kept in the agent's
 * data directory. The private key is {@value #PRIVATE_FILE} (PKCS#8, PEM, file {@code 0600} in a {@code 0700}
 * directory, see {@link PrivateFiles}); the public key {@value #PUBLIC_FILE} (SubjectPublicKeyInfo, PEM), the file a
 * customer is given to check certificates with ({@code lumia-agent certificate export-key}).
 *
 * <p>The key id is the lowercase hex SHA-256 of the public key's SPKI DER bytes: the same number whichever file or
 * certificate the key is read from.
 */
public final class StationKey {
    public static final String PRIVATE_FILE = "station-ed25519.key";
    public static final String PUBLIC_FILE = "station-ed25519.pub";
    public static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private StationKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.keyId = keyId(publicKey);
    }

    /** A key pair that lives only in memory (tests, and a second key to show a certificate signed by another). */
    public static StationKey generate() {
        KeyPair pair = generator().generateKeyPair();
        return new StationKey(pair.getPrivate(), pair.getPublic());
    }

    /**
     * The station key in {@code dataDir}: read when its files are there, made (and written) when neither is.
     *
     * @throws StationKeyException when a key file does not parse, one of the two is missing, or they are not one pair:
     *         the message names the file and what to do
     */
    public static StationKey loadOrCreate(Path dataDir) throws IOException {
        synchronized (CREATING) { // one key per data directory, even when every worker of a bench asks at once
            return loadOrCreateLocked(dataDir);
        }
    }

    private static final Object CREATING = new Object();

    private static StationKey loadOrCreateLocked(Path dataDir) throws IOException {
        Path priv = dataDir.resolve(PRIVATE_FILE);
        Path pub = dataDir.resolve(PUBLIC_FILE);
        if (!Files.exists(priv) && !Files.exists(pub)) {
            PrivateFiles.createDirectories(dataDir);
            StationKey made = generate();
            // Each file is written whole to a temporary file, then linked to its name: a link never replaces a file, so a
            // second agent making a key at the same moment cannot overwrite the first one's (it loads that key instead).
            // The public key first: a crash between the two leaves a lone .pub, named below, never a private key whose
            // public half is lost.
            if (publish(dataDir, pub, made.publicKeyPem()) && publish(dataDir, priv, pem("PRIVATE KEY", made.privateKey.getEncoded()))) {
                return made;
            }
        }
        boolean hasPriv = Files.exists(priv);
        boolean hasPub = Files.exists(pub);
        if (!hasPriv) {
            throw new StationKeyException(priv + " is missing but its public key " + pub + " is there: restore the private key from "
                    + "your backup; or, to start a new station key, move " + pub + " away (certificates signed so far stay "
                    + "verifiable with that old public key only)");
        }
        if (!hasPub) {
            throw new StationKeyException(pub + " is missing next to " + priv + ": restore it from your backup or from the key you "
                    + "exported (lumia-agent certificate export-key); or move " + priv + " away to start a new station key");
        }
        PrivateKey privateKey;
        try {
            byte[] der = pemBody(Files.readString(priv, StandardCharsets.US_ASCII), "PRIVATE KEY", priv);
            privateKey = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new StationKeyException(priv + " is not an Ed25519 private key (PKCS#8 PEM): " + message(e) + "; restore it from "
                    + "your backup, or move it and " + pub + " away to start a new station key");
        }
        PublicKey publicKey = readPublicKey(pub);
        StationKey key = new StationKey(privateKey, publicKey);
        if (!key.pairs()) {
            throw new StationKeyException(priv + " and " + pub + " are not one key pair (a signature made with the private key does "
                    + "not verify with the public key): restore both from the same backup");
        }
        return key;
    }

    /** Writes {@code text} to {@code file} (0600) unless {@code file} exists; false when it did. */
    private static boolean publish(Path dir, Path file, String text) throws IOException {
        Path tmp = PrivateFiles.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, text.getBytes(StandardCharsets.US_ASCII));
            try {
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
                if (noLinks instanceof java.nio.file.FileAlreadyExistsException) {
                    throw noLinks;
                }
                Files.move(tmp, file); // a file system without hard links (FAT): refuses an existing file too, if not atomically
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * An Ed25519 public key from a PEM file ({@code -----BEGIN PUBLIC KEY-----}, SPKI), as {@code verify --key} is given.
     *
     * @throws StationKeyException when the file is not one (naming the file)
     */
    public static PublicKey readPublicKey(Path pemFile) throws IOException {
        String text;
        try {
            text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new StationKeyException("no public key file " + pemFile + ": give the station's key as exported by "
                    + "lumia-agent certificate export-key");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new StationKeyException(pemFile + " is not an Ed25519 public key (PEM): it is not text");
        }
        try {
            return publicKeyFromSpki(pemBody(text, "PUBLIC KEY", pemFile));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StationKeyException(pemFile + " is not an Ed25519 public key (SPKI PEM, -----BEGIN PUBLIC KEY-----): "
                    + message(e) + "; export the station's key again with lumia-agent certificate export-key");
        }
    }

    static PublicKey publicKeyFromSpki(byte[] der) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The public key as PEM (SPKI), what {@value #PUBLIC_FILE} holds. */
    public String publicKeyPem() {
        return pem("PUBLIC KEY", publicKey.getEncoded());
    }

    /** An Ed25519 signature (64 bytes) over {@code data}. */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (NoSuchAlgorithmException | InvalidKeyException | SignatureException e) {
            throw new IllegalStateException("the JDK could not sign with Ed25519: " + e.getMessage(), e);
        }
    }

    /** True when {@code signature} is {@code key}'s Ed25519 signature over {@code data}; false for any malformed input. */
    static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Lowercase hex SHA-256 of the key's SPKI DER encoding. */
    public static String keyId(PublicKey key) {
        return Hashes.sha256Hex(key.getEncoded());
    }

    @Override
    public String toString() {
        return "Ed25519 station key " + keyId;
    }

    private boolean pairs() {
        byte[] probe = "lumia-agent station key check".getBytes(StandardCharsets.US_ASCII);
        return verifies(publicKey, probe, sign(probe));
    }

    private static KeyPairGenerator generator() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no Ed25519 (Java 15 or later has it): " + e.getMessage(), e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] pemBody(String text, String type, Path file) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("no " + begin + " … " + end + " block in it");
        }
        String body = text.substring(b + begin.length(), e).replaceAll("\\s+", "");
        if (body.isEmpty()) {
            throw new IllegalArgumentException("the " + type + " block is empty");
        }
        return Base64.getDecoder().decode(body); // IllegalArgumentException names the bad character
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
