/**
 * Long-term credentials (RFC 8489 §9.2) and TURN REST API secrets, behind one {@link
 * io.turnkit.store.credential.CredentialStore} interface: an in-memory store for users given on the command line,
 * an embedded file store that several processes can share, and a Redis store that several servers share. {@link
 * io.turnkit.store.credential.CredentialStores#open} opens the one a {@link
 * io.turnkit.store.credential.StoreLocation} names.
 */
package io.turnkit.store.credential;
