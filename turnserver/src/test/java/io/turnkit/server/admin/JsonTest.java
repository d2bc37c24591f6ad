package io.turnkit.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldSeparateMembersAndElementsAtEveryDepth() {
        Json json = new Json().beginObject()
                .member("a", 1)
                .name("b").beginArray().value("x").beginObject().member("c", true).endObject().value(2.5).endArray()
                .name("d").beginObject().endObject()
                .member("e", (String) null)
                .endObject();

        assertEquals("{\"a\":1,\"b\":[\"x\",{\"c\":true},2.5],\"d\":{},\"e\":null}", json.toString());
    }

    @Test
    void shouldEscapeHostileTextFromTheNetwork() {
        String user = "a\"b\\c\nd\u0001</script>&\u2028";

        String json = new Json().beginObject().member(user, user).endObject().toString();

        String escaped = "\"a\\\"b\\\\c\\nd\\u0001\\u003c/script\\u003e\\u0026\\u2028\"";
        assertEquals("{" + escaped + ":" + escaped + "}", json);
    }

    @Test
    void shouldWriteNullForNumbersJsonHasNot() {
        assertEquals("[null,null]", new Json().beginArray().value(Double.NaN).value(Double.POSITIVE_INFINITY)
                .endArray().toString());
    }
}
