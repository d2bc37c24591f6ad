package io.turnkit.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelUdpErrorsTest {
    @TempDir
    Path temp;

    @Test
    void shouldReadTheUdpLinesFields() throws IOException {
        Path snmp = temp.resolve("snmp");
        Files.writeString(snmp, """
                Tcp: RtoAlgorithm RcvbufErrors
                Tcp: 1 99
                Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors
                Udp: 1000 2 40 900 37 5 0
                UdpLite: InDatagrams RcvbufErrors
                UdpLite: 0 0
                """);
        KernelUdpErrors errors = new KernelUdpErrors(snmp);

        assertEquals(37, errors.read("RcvbufErrors"));
        assertEquals(5, errors.read("SndbufErrors"));
        assertEquals(-1, errors.read("NoSuchField"));
    }

    @Test
    void shouldSayNothingOfAFileMissingOrGarbled() throws IOException {
        Path garbled = temp.resolve("garbled");
        Files.writeString(garbled, "Udp: RcvbufErrors\nUdp: lots\n");

        assertEquals(-1, new KernelUdpErrors(temp.resolve("absent")).read("RcvbufErrors"));
        assertEquals(-1, new KernelUdpErrors(garbled).read("RcvbufErrors"));
    }
}
