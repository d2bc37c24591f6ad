/**
 * {@code turnkit serve}'s options, shared by the command line and coturn-style {@code turnserver.conf}
 * files: one table of options, the file reader, and the merge of both into a server configuration.
 */
package io.turnkit.cli.conf;
