/**
 * The WebSocket face of chat: the {@code /chat} endpoint, its handshake configurator (identity, origin) and the
 * codecs between protocol v1 frames and the sealed command and event types.
 */
package dev.parley.chat.boundary;
