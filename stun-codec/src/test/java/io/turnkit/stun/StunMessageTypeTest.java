package io.turnkit.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** RFC 8489 §5 message type interleaving, for every method this codec names. */
class StunMessageTypeTest {
    private static final byte[] TRANSACTION_ID = new byte[12];

    @ParameterizedTest
    @CsvSource({
        "0x001, 0, 0x0001", "0x001, 1, 0x0011", "0x001, 2, 0x0101", "0x001, 3, 0x0111",
        "0x003, 0, 0x0003", "0x003, 2, 0x0103", "0x003, 3, 0x0113",
        "0x006, 1, 0x0016", "0x007, 1, 0x0017", "0x009, 2, 0x0109", "0x00C, 1, 0x001C",
        "0xFFF, 3, 0x3FFF", "0x080, 0, 0x0200", "0x010, 0, 0x0020"})
    void shouldInterleaveMethodAndClassBits(String method, int stunClass, String type) {
        int m = Integer.decode(method);
        int t = Integer.decode(type);
        assertEquals(t, StunMessageType.of(m, stunClass));
        assertEquals(m, StunMessageType.method(t));
        assertEquals(stunClass, StunMessageType.stunClass(t));
    }

    @Test
    void shouldRoundTripEveryMethodAndClass() {
        for (int method = 0; method <= StunMethod.MAX; method++) {
            for (int stunClass = 0; stunClass < 4; stunClass++) {
                int type = StunMessageType.of(method, stunClass);
                assertTrue(type <= 0x3FFF);
                assertEquals(method, StunMessageType.method(type));
                assertEquals(stunClass, StunMessageType.stunClass(type));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {StunMethod.BINDING, StunMethod.ALLOCATE, StunMethod.REFRESH, StunMethod.SEND,
        StunMethod.DATA, StunMethod.CREATE_PERMISSION, StunMethod.CHANNEL_BIND, StunMethod.CONNECT,
        StunMethod.CONNECTION_BIND, StunMethod.CONNECTION_ATTEMPT})
    void shouldEncodeAndDecodeEveryMethodInEveryClass(int method) {
        StunMessage message = new StunMessage();
        for (int stunClass = 0; stunClass < 4; stunClass++) {
            ByteBuf out = Unpooled.buffer();
            int length = new StunMessageEncoder().wrap(out)
                .header(StunMessageType.of(method, stunClass), TRANSACTION_ID).finish();
            assertEquals(StunValidation.VALID, message.wrap(out, 0, length).validate());
            assertEquals(method, message.method());
            assertEquals(stunClass, message.messageClass());
            assertEquals(stunClass == StunClass.REQUEST, message.isRequest());
            assertEquals(stunClass == StunClass.INDICATION, message.isIndication());
            assertEquals(stunClass == StunClass.SUCCESS_RESPONSE, message.isSuccessResponse());
            assertEquals(stunClass == StunClass.ERROR_RESPONSE, message.isErrorResponse());
            assertFalse(StunMethod.name(method).startsWith("0x"));
        }
    }

    @Test
    void shouldNameMessageTypes() {
        assertEquals("Allocate error response", StunMessageType.name(0x0113));
        assertEquals("0x07F request", StunMessageType.name(StunMessageType.of(0x07F, StunClass.REQUEST)));
    }
}
