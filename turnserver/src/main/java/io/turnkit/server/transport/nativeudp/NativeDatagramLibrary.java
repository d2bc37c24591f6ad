package io.turnkit.server.transport.nativeudp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.netty.buffer.ByteBuf;
import io.netty.channel.epoll.Epoll;
import io.turnkit.server.transport.Transports;

/**
 * The JNI library of {@link NativeDatagramSocket} (src/main/c/turnkit_udp.c), loaded once from the jar: the
 * build compiles it where gcc exists, and the server uses Netty's datagram channels wherever it is missing or
 * cannot work. {@code -Dturnkit.nativeUdp=false} turns it off.
 */
public final class NativeDatagramLibrary {
    static final String PROPERTY = "turnkit.nativeUdp";
    private static final String RESOURCE = "/META-INF/native/libturnkit_udp_linux_" + System.getProperty("os.arch") + ".so";
    /** Null where the library works; else why not, for one log line. */
    private static final String UNAVAILABILITY = load();

    private NativeDatagramLibrary() {
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY == null;
    }

    /** Why the library is not used; null where it is. */
    public static String unavailabilityReason() {
        return UNAVAILABILITY;
    }

    private static String load() {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return "turned off by -D" + PROPERTY + "=false";
        }
        if (!Epoll.isAvailable()) {
            return "no epoll: " + Epoll.unavailabilityCause();
        }
        // The natives take raw memory addresses, and read the tables Java writes little-endian.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            return "a big-endian machine";
        }
        ByteBuf probe = Transports.ALLOCATOR.directBuffer(1);
        boolean addresses = probe.hasMemoryAddress();
        probe.release();
        if (!addresses) {
            return "direct buffers without memory addresses (no sun.misc.Unsafe)";
        }
        try (InputStream library = NativeDatagramLibrary.class.getResourceAsStream(RESOURCE)) {
            if (library == null) {
                return "no " + RESOURCE + " in the jar (built without gcc, or for another machine)";
            }
            Path file = Files.createTempFile("libturnkit_udp", ".so");
            file.toFile().deleteOnExit();
            Files.copy(library, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return "cannot load " + RESOURCE + ": " + e;
        }
    }
}
