package dev.lumiaagent.firmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareLibraryTest {

    private static void ffu(Path file, String platformId) throws Exception {
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            new FfuBuilder().platformId(platformId).build(new DemoDisk(2L << 20), ch);
        }
    }

    @Test
    void productTypesAreNormalisedAndAliased() {
        assertThat(ProductType.find("RM1104_059X4K6.ffu")).contains("RM-1104");
        assertThat(ProductType.find("firmware/rm-914/x.ffu")).contains("RM-914");
        assertThat(ProductType.find("FARM-12345")).isEmpty();
        assertThat(ProductType.emergencyKey("RM-1073")).isEqualTo("RM-1113");
        assertThat(ProductType.emergencyKey("rm1072")).isEqualTo("RM-1113");
        assertThat(ProductType.emergencyKey("RM-1104")).isEqualTo("RM-1104");
        assertThatThrownBy(() -> ProductType.normalise("Lumia")).hasMessageContaining("expected RM-xxxx");
    }

    @Test
    void findsTheFfuByCodeThenPlatformThenType(@TempDir Path root) throws Exception {
        ffu(root.resolve("RM-1104/RM1104_059X4K6_stock.ffu"), "Microsoft.MSM8992.P6218.1.0");
        ffu(root.resolve("RM-914/lumia520.ffu"), "Nokia.MSM8227.P6036.1.2");
        Files.writeString(root.resolve("RM-914/broken.ffu"), "not an ffu");
        Files.writeString(root.resolve("readme.txt"), "ignored");
        FirmwareLibrary lib = FirmwareLibrary.scan(root);
        assertThat(lib.entries()).hasSize(3);
        assertThat(lib.entries()).filteredOn(e -> e.problem().isPresent()).singleElement()
                .satisfies(e -> assertThat(e.path().getFileName().toString()).isEqualTo("broken.ffu"));
        assertThat(lib.ffuFor(null, "059X4K6", null).orElseThrow().path().toString()).contains("RM1104");
        assertThat(lib.ffuFor(null, null, "Nokia.MSM8227.P6036.1.2").orElseThrow().path().toString()).endsWith("lumia520.ffu");
        assertThat(lib.ffuFor("RM914", null, null).orElseThrow().path().toString()).endsWith("lumia520.ffu");
        assertThat(lib.ffuFor("RM-1045", null, "Nokia.MSM8974.P6136.1.0")).isEmpty();
    }

    @Test
    void emergencyFilesFollowTheRm1113Alias(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("RM-1113"));
        Files.writeString(root.resolve("RM-1113/MPRG8x26.ede"), "elf");
        Files.writeString(root.resolve("RM-1113/RM1113_msimage.edp"), "payload");
        FirmwareLibrary lib = FirmwareLibrary.scan(root);
        assertThat(lib.emergencyFiles("RM-1073", FirmwareLibrary.Kind.PROGRAMMER)).singleElement()
                .satisfies(e -> assertThat(e.path().getFileName().toString()).isEqualTo("MPRG8x26.ede"));
        assertThat(lib.emergencyFiles("RM-1073", FirmwareLibrary.Kind.PAYLOAD)).hasSize(1);
        assertThat(lib.emergencyFiles("RM-1104", FirmwareLibrary.Kind.PROGRAMMER)).isEmpty();
    }

    @Test
    void aMissingDirectoryIsAnEmptyLibrary(@TempDir Path root) throws Exception {
        assertThat(FirmwareLibrary.scan(root.resolve("nope")).entries()).isEmpty();
    }
}
