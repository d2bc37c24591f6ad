/**
 * Long-term credentials (RFC 8489 §9.2) and TURN REST API secrets, behind one {@link
 * io.turnkit.store.credential.CredentialStore} interface: an in-memory store for users given on the command line
 * and an embedded file store that several processes can share.
 */
package io.turnkit.store.credential;
