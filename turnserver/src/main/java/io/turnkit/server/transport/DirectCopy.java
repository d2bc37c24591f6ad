package io.turnkit.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * Copies on the packet path that allocate as little as each JDK allows. Where Netty may not use
 * sun.misc.Unsafe (JDK 24 and later), {@code ByteBuf.writeBytes(ByteBuf, ...)} between direct buffers makes new
 * ByteBuffer duplicates on every call, and so does a slice's NIO view; the cached NIO views of the buffers
 * underneath (a received datagram's receive buffer, see {@link BufferOrigin}) do the same copy without them.
 * With Unsafe, writeBytes copies memory directly and allocates nothing, so it stays (the NIO copy allocates there).
 */
public final class DirectCopy {
    private DirectCopy() {
    }

    /** Appends {@code src[index, index + length)} to {@code dst}. */
    public static void append(ByteBuf dst, ByteBuf src, int index, int length) {
        if (length > 0 && !PlatformDependent.hasUnsafe() && dst.isDirect() && src.isDirect()) {
            ByteBuf to = BufferOrigin.of(dst);
            ByteBuf from = BufferOrigin.of(src);
            // One buffer has one cached view: the two views must come from different buffers.
            if (to != from && to.nioBufferCount() == 1 && from.nioBufferCount() == 1) {
                dst.ensureWritable(length);
                int at = BufferOrigin.indexIn(to, dst, dst.writerIndex());
                int fromAt = BufferOrigin.indexIn(from, src, index);
                if (at >= 0 && fromAt >= 0) {
                    to.internalNioBuffer(at, length).put(from.internalNioBuffer(fromAt, length));
                    dst.writerIndex(dst.writerIndex() + length);
                    return;
                }
            }
        }
        dst.writeBytes(src, index, length);
    }
}
