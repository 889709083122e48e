package dev.lumiaagent.certificate;

import dev.lumiaagent.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders a PDF back to text ({@code pdftotext -layout}) and to a picture ({@code pdftoppm -png}), as a reader would see it. */
final class Poppler {
    private static final String WHY = "install poppler-utils (apt-get install poppler-utils) to render certificates back to text "
            + "and pictures";

    private Poppler() {
    }

    static void require() {
        RequiredTool.require("pdftotext and pdftoppm (poppler-utils)", runs("pdftotext", "-v") && runs("pdftoppm", "-v"), WHY);
    }

    /** The PDF's text with its layout, pages joined. */
    static String text(byte[] pdf, Path dir) throws Exception {
        require();
        Path in = Files.write(Files.createTempFile(dir, "cert", ".pdf"), pdf);
        Path out = dir.resolve(in.getFileName() + ".txt");
        run("pdftotext", "-layout", "-enc", "UTF-8", in.toString(), out.toString());
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** The first page as a PNG at {@code dpi}. */
    static Path firstPagePng(byte[] pdf, Path dir, int dpi) throws Exception {
        require();
        Path in = Files.write(Files.createTempFile(dir, "cert", ".pdf"), pdf);
        Path prefix = dir.resolve(in.getFileName() + "-page");
        run("pdftoppm", "-png", "-r", Integer.toString(dpi), "-f", "1", "-l", "1", "-singlefile", in.toString(), prefix.toString());
        return Path.of(prefix + ".png");
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + new String(output, StandardCharsets.UTF_8));
        }
    }
}
