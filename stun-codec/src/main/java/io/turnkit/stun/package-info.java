/** Zero-copy STUN (RFC 8489), TURN (RFC 8656) and ChannelData codecs: flyweights over Netty {@code ByteBuf}. */
package io.turnkit.stun;
