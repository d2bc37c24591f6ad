/** The picocli {@code turnkit} command and its subcommands. */
package io.turnkit.cli;
