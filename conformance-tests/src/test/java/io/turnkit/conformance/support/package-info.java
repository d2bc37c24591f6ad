/**
 * What the conformance tests start and drive, apart from the tests themselves: turnkit's jar as a process (alone,
 * or as cluster nodes around a redis-server), coturn's turnutils clients and peer, headless Chromium with its test
 * page, free loopback ports, waits with a deadline and the processes' cleanup.
 */
package io.turnkit.conformance.support;
