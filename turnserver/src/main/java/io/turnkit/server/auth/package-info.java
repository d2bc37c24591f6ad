/**
 * Who may allocate (RFC 8489 §9.2, RFC 8656 §5): long-term credentials and the TURN REST API's time-limited
 * ones, nonces, the rate limit on failures, and the one-time user made when nobody else may log in. Uses the
 * codec, the credential stores and {@code metrics}; the one-time user's start line reads {@code config}, the relay
 * addresses ({@code relay}) and {@code transport}'s address formatting. Nothing of the server's packet path.
 */
package io.turnkit.server.auth;
