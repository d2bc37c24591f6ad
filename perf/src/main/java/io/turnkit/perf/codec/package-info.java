/** JMH benchmarks of the stun-codec packet path: decode and authenticate, encode, ChannelData parse. */
package io.turnkit.perf.codec;
