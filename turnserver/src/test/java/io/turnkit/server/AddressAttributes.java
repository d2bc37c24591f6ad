package io.turnkit.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.turnkit.stun.AddressAttribute;
import io.turnkit.stun.AttributeIterator;
import io.turnkit.stun.StunMessage;

/** The address attributes of a message as tests read them: a dual allocation's response has two relayed addresses. */
public final class AddressAttributes {
    private AddressAttributes() {
    }

    /** Every address attribute of {@code type} in {@code message}, in order. */
    public static List<InetSocketAddress> all(StunMessage message, int type) {
        List<InetSocketAddress> found = new ArrayList<>();
        AttributeIterator attributes = new AttributeIterator();
        attributes.reset(message);
        while (attributes.next()) {
            if (attributes.type() == type) {
                found.add(new AddressAttribute().wrap(message, attributes.attributeOffset()).toSocketAddress());
            }
        }
        return found;
    }
}
