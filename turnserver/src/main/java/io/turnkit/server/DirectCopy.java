package io.turnkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * Copies on the packet path that allocate as little as each JDK allows. Where Netty may not use
 * sun.misc.Unsafe (JDK 24 and later), {@code ByteBuf.writeBytes(ByteBuf, ...)} between direct buffers makes new
 * ByteBuffer duplicates on every call; the buffers' cached NIO views do the same copy without them. With
 * Unsafe, writeBytes copies memory directly and allocates nothing, so it stays (the NIO copy allocates there).
 */
final class DirectCopy {
    private DirectCopy() {
    }

    /** Appends {@code src[index, index + length)} to {@code dst}. */
    static void append(ByteBuf dst, ByteBuf src, int index, int length) {
        // A slice shares its parent's cached view, so the two views must come from different buffers.
        if (length > 0 && !PlatformDependent.hasUnsafe() && dst.isDirect() && src.isDirect()
                && dst.nioBufferCount() == 1 && src.nioBufferCount() == 1
                && src.unwrap() != dst && dst.unwrap() != src && src != dst) {
            dst.ensureWritable(length);
            int at = dst.writerIndex();
            dst.internalNioBuffer(at, length).put(src.internalNioBuffer(index, length));
            dst.writerIndex(at + length);
        } else {
            dst.writeBytes(src, index, length);
        }
    }
}
