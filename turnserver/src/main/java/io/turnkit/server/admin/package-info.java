/**
 * The admin interface (docs/operations.md): a JSON API behind a bearer token and the page that uses it, served
 * on threads of its own, never an event loop's; the server's status and live sessions it reads ({@code ServerAdmin},
 * {@code ServerStatus}) and the {@code iceServers} entries it shows. Uses {@code config}, {@code relay} (the
 * allocations it lists and closes), {@code transport} (address formatting) and the cluster's session registry.
 */
package io.turnkit.server.admin;
