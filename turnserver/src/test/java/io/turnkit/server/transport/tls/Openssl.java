package io.turnkit.server.transport.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Keys and certificates made by the openssl command, as an operator's files are, for the tests. */
public final class Openssl {
    private static final long TIMEOUT_SECONDS = 60;

    private Openssl() {
    }

    /** An EC P-256 key (PKCS#8) in {@code key} and a self-signed certificate for it, CN {@code name}, in {@code cert}. */
    public static void selfSigned(Path cert, Path key, String name) {
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name);
    }

    /** A self-signed certificate, CN {@code name}, for the key already in {@code key}. */
    public static void certificateFor(Path key, Path cert, String name) {
        run("req", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name);
    }

    /** Runs {@code openssl ARGS…}; fails with its output when it fails. */
    public static void run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl did not finish: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
