/**
 * SDP helpers for ICE (RFC 8839): {@link io.turnkit.ice.sdp.CandidateSdp} reads and writes candidate lines,
 * {@link io.turnkit.ice.sdp.IceDescription} the ICE attributes of a media description, all or nothing.
 */
package io.turnkit.ice.sdp;
