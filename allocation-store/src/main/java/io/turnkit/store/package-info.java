/** The allocation table (RFC 8656 §5), relay port pool, quotas and credential stores. */
package io.turnkit.store;
