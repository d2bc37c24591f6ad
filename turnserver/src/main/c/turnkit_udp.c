/*
 * recvmmsg(2) and sendmmsg(2) for io.turnkit.server.NativeDatagramSocket: many datagrams per system call,
 * with addresses passed as plain bytes in memory the Java side owns, so the packet path allocates no objects.
 * Both functions take primitives only and call nothing back in the JVM.
 *
 * An address, within a record or an entry (ints in the machine's order):
 *   0 family (4 or 6)   4 port   8 IPv6 scope id   12 unused   16 address: 4 bytes (IPv4) or 16 (IPv6), network order
 * A sender in IPv4-mapped IPv6 form (RFC 4291 §2.5.5.2: ::ffff:a.b.c.d, what a dual-stack socket reports for an
 * IPv4 peer) is recorded as IPv4, so its address equals the one an IPv4 socket would report.
 *
 * Receive record, one per datagram, at meta + i * RECORD:
 *   0 length   4 flags (MSG_TRUNC)   8 sender address
 *
 * Send entry, one per datagram (or GSO run), at table + HEADER + i * ENTRY:
 *   0 memory address (64 bits)   8 length   12 segment size (0: one datagram; else UDP_SEGMENT)   16 destination
 * The table header holds one int at 0, which sendmmsg sets to the number of entries it dropped.
 */
/* recvmmsg and sendmmsg are GNU extensions in glibc's headers. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <jni.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h, since Linux 4.18 */
#endif

#define FAMILY 0
#define PORT 4
#define SCOPE 8
#define ADDRESS 16
#define ADDRESS_BYTES 32

#define RECORD_LENGTH 0
#define RECORD_FLAGS 4
#define RECORD_SENDER 8
#define RECORD (RECORD_SENDER + ADDRESS_BYTES)

#define HEADER 8
#define ENTRY_MEMORY 0
#define ENTRY_LENGTH 8
#define ENTRY_SEGMENT 12
#define ENTRY_DESTINATION 16
#define ENTRY (ENTRY_DESTINATION + ADDRESS_BYTES)

/* recvmmsg calls read at most this many datagrams, sendmmsg calls send at most this many: stack space. */
#define CHUNK 64

static const uint8_t V4_MAPPED_PREFIX[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static int32_t *int_at(char *base, size_t offset) {
    return (int32_t *) (base + offset);
}

/* Writes the address of from at at. */
static void put_address(char *at, const struct sockaddr_storage *from) {
    if (from->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) from;
        const uint8_t *bytes = in6->sin6_addr.s6_addr;
        *int_at(at, PORT) = ntohs(in6->sin6_port);
        *int_at(at, SCOPE) = (int32_t) in6->sin6_scope_id;
        if (memcmp(bytes, V4_MAPPED_PREFIX, sizeof(V4_MAPPED_PREFIX)) == 0) {
            *int_at(at, FAMILY) = 4;
            memcpy(at + ADDRESS, bytes + 12, 4);
        } else {
            *int_at(at, FAMILY) = 6;
            memcpy(at + ADDRESS, bytes, 16);
        }
    } else {
        const struct sockaddr_in *in = (const struct sockaddr_in *) from;
        *int_at(at, FAMILY) = 4;
        *int_at(at, PORT) = ntohs(in->sin_port);
        *int_at(at, SCOPE) = 0;
        memcpy(at + ADDRESS, &in->sin_addr, 4);
    }
}

/*
 * One recvmmsg(MSG_DONTWAIT) for up to count datagrams, datagram i into [first + i * stride, + stride).
 * Returns how many were read, 0 when none was ready (EAGAIN), or -errno.
 */
JNIEXPORT jint JNICALL Java_io_turnkit_server_transport_nativeudp_NativeDatagramSocket_recvmmsg(JNIEnv *env, jclass clazz, jint fd,
        jlong first, jint stride, jint count, jlong meta) {
    struct mmsghdr messages[CHUNK];
    struct iovec vectors[CHUNK];
    struct sockaddr_storage senders[CHUNK];
    int n = count < CHUNK ? count : CHUNK;
    for (int i = 0; i < n; i++) {
        vectors[i].iov_base = (char *) (intptr_t) first + (size_t) i * stride;
        vectors[i].iov_len = (size_t) stride;
        memset(&messages[i].msg_hdr, 0, sizeof(messages[i].msg_hdr));
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = &senders[i];
        messages[i].msg_hdr.msg_namelen = sizeof(senders[i]);
    }
    int read;
    do {
        read = recvmmsg(fd, messages, (unsigned int) n, MSG_DONTWAIT, NULL);
    } while (read < 0 && errno == EINTR);
    if (read < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
    }
    for (int i = 0; i < read; i++) {
        char *record = (char *) (intptr_t) meta + (size_t) i * RECORD;
        *int_at(record, RECORD_LENGTH) = (int32_t) messages[i].msg_len;
        *int_at(record, RECORD_FLAGS) = messages[i].msg_hdr.msg_flags & MSG_TRUNC;
        put_address(record + RECORD_SENDER, &senders[i]);
    }
    return read;
}

/* The address at at, as the socket's family wants it: IPv4 on an IPv6 socket in mapped form. */
static socklen_t get_address(char *at, jboolean ipv6, struct sockaddr_storage *to) {
    int family = *int_at(at, FAMILY);
    uint16_t port = htons((uint16_t) *int_at(at, PORT));
    memset(to, 0, sizeof(*to));
    if (!ipv6) {
        struct sockaddr_in *in = (struct sockaddr_in *) to;
        in->sin_family = AF_INET;
        in->sin_port = port;
        /* An IPv6 destination on an IPv4 socket: left unspecified, so the kernel refuses it and it is dropped. */
        if (family == 4) {
            memcpy(&in->sin_addr, at + ADDRESS, 4);
        } else {
            in->sin_family = AF_INET6;
        }
        return sizeof(*in);
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) to;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = port;
    if (family == 4) {
        memcpy(in6->sin6_addr.s6_addr, V4_MAPPED_PREFIX, sizeof(V4_MAPPED_PREFIX));
        memcpy(in6->sin6_addr.s6_addr + 12, at + ADDRESS, 4);
    } else {
        memcpy(in6->sin6_addr.s6_addr, at + ADDRESS, 16);
        in6->sin6_scope_id = (uint32_t) *int_at(at, SCOPE);
    }
    return sizeof(*in6);
}

/*
 * Sends the count entries of the table with sendmmsg(MSG_DONTWAIT), CHUNK at a time. Returns how many entries
 * were consumed: sent, or dropped because the kernel refused them (EMSGSIZE, ENETUNREACH, EPERM...), whose
 * number goes to the table header. Stops early only where the send buffer is full (EAGAIN): the rest waits.
 * sendmmsg reports an error only for the first message of a call (sendmmsg(2)), so a call that stopped short
 * is followed by one starting at the message that failed.
 */
JNIEXPORT jint JNICALL Java_io_turnkit_server_transport_nativeudp_NativeDatagramSocket_sendmmsg(JNIEnv *env, jclass clazz, jint fd,
        jboolean ipv6, jlong table, jint count) {
    struct mmsghdr messages[CHUNK];
    struct iovec vectors[CHUNK];
    struct sockaddr_storage destinations[CHUNK];
    union {
        char bytes[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } controls[CHUNK];
    char *base = (char *) (intptr_t) table;
    int32_t dropped = 0;
    int consumed = 0;
    while (consumed < count) {
        int n = count - consumed < CHUNK ? count - consumed : CHUNK;
        for (int i = 0; i < n; i++) {
            char *entry = base + HEADER + (size_t) (consumed + i) * ENTRY;
            struct msghdr *header = &messages[i].msg_hdr;
            memset(header, 0, sizeof(*header));
            vectors[i].iov_base = (void *) (intptr_t) *(int64_t *) (entry + ENTRY_MEMORY);
            vectors[i].iov_len = (size_t) *int_at(entry, ENTRY_LENGTH);
            header->msg_iov = &vectors[i];
            header->msg_iovlen = 1;
            header->msg_name = &destinations[i];
            header->msg_namelen = get_address(entry + ENTRY_DESTINATION, ipv6, &destinations[i]);
            int segment = *int_at(entry, ENTRY_SEGMENT);
            if (segment > 0) {
                header->msg_control = controls[i].bytes;
                header->msg_controllen = sizeof(controls[i].bytes);
                struct cmsghdr *control = CMSG_FIRSTHDR(header);
                control->cmsg_level = SOL_UDP;
                control->cmsg_type = UDP_SEGMENT;
                control->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                uint16_t size = (uint16_t) segment;
                memcpy(CMSG_DATA(control), &size, sizeof(size));
            }
        }
        int sent = sendmmsg(fd, messages, (unsigned int) n, MSG_DONTWAIT);
        if (sent > 0) {
            consumed += sent;
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else if (sent == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else {
            consumed++;
            dropped++;
        }
    }
    *int_at(base, 0) = dropped;
    return consumed;
}
