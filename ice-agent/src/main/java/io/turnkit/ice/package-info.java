/** ICE agent (RFC 8445) for Java clients; filled in by the ICE issue. */
package io.turnkit.ice;
