package dev.lumiaagent.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.lumiaagent.paths.PrivateFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StationKeyTest {
    @TempDir
    Path tmp;

    @Test
    void madeOnFirstUsePrivateAndReadAgainTheSecondTime() throws Exception {
        Path data = tmp.resolve("lumia-agent");
        StationKey made = StationKey.loadOrCreate(data);
        Path priv = data.resolve("station-ed25519.key");
        Path pub = data.resolve("station-ed25519.pub");
        assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(pub)).isEqualTo(made.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(made.keyId()).matches("[0-9a-f]{64}").isEqualTo(Hashes.sha256Hex(made.publicKey().getEncoded()));
        assumeThat(PrivateFiles.posix(data)).as("POSIX file modes").isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        try (var list = Files.list(data)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("station-ed25519.key", "station-ed25519.pub");
        }

        StationKey again = StationKey.loadOrCreate(data);
        assertThat(again.keyId()).isEqualTo(made.keyId());
        byte[] data1 = "certificate".getBytes(StandardCharsets.UTF_8);
        assertThat(StationKey.verifies(made.publicKey(), data1, again.sign(data1))).isTrue();

        PublicKey exported = StationKey.readPublicKey(pub);
        assertThat(StationKey.keyId(exported)).isEqualTo(made.keyId());
    }

    @Test
    void workersAskingAtOnceGetOneKey() throws Exception {
        Path data = tmp.resolve("shared");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Callable<String>> asks = java.util.Collections.nCopies(8,
                    () -> StationKey.loadOrCreate(data).keyId());
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (java.util.concurrent.Future<String> f : pool.invokeAll(asks, 60, java.util.concurrent.TimeUnit.SECONDS)) {
                ids.add(f.get());
            }
            assertThat(ids).containsExactly(StationKey.loadOrCreate(data).keyId());
        } finally {
            pool.shutdownNow();
        }
        try (var list = Files.list(data)) {
            assertThat(list.count()).as("no temporary file left").isEqualTo(2);
        }
    }

    @Test
    void aCorruptKeyFileIsNamedWithWhatToDo() throws Exception {
        Path data = tmp.resolve("d");
        StationKey.loadOrCreate(data);
        Path priv = data.resolve("station-ed25519.key");
        Files.writeString(priv, "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> StationKey.loadOrCreate(data)).isInstanceOf(StationKeyException.class)
                .hasMessageStartingWith(priv + " is not an Ed25519 private key (PKCS#8 PEM): ")
                .hasMessageContaining("restore it from your backup, or move it and " + data.resolve("station-ed25519.pub") + " away");

        Files.writeString(priv, "hello");
        assertThatThrownBy(() -> StationKey.loadOrCreate(data)).isInstanceOf(StationKeyException.class)
                .hasMessageContaining("no -----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY----- block in it");
    }

    @Test
    void aPublicKeyThatIsMissingOrNotOneOrNotThePairIsNamed() throws Exception {
        Path data = tmp.resolve("d");
        StationKey.loadOrCreate(data);
        Path pub = data.resolve("station-ed25519.pub");

        Files.writeString(pub, StationKey.generate().publicKeyPem());
        assertThatThrownBy(() -> StationKey.loadOrCreate(data)).isInstanceOf(StationKeyException.class)
                .hasMessageContaining("are not one key pair");

        Files.writeString(pub, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> StationKey.readPublicKey(pub)).isInstanceOf(StationKeyException.class)
                .hasMessageStartingWith(pub + " is not an Ed25519 public key (SPKI PEM, -----BEGIN PUBLIC KEY-----): ");

        Files.delete(pub);
        assertThatThrownBy(() -> StationKey.loadOrCreate(data)).isInstanceOf(StationKeyException.class)
                .hasMessageStartingWith(pub + " is missing next to " + data.resolve("station-ed25519.key"));
        assertThatThrownBy(() -> StationKey.readPublicKey(pub)).isInstanceOf(StationKeyException.class)
                .hasMessageStartingWith("no public key file " + pub);
    }
}
