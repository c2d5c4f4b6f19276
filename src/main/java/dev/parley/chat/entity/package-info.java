/**
 * The nouns of chat: protocol v1's commands and events, error and close codes, who is connecting, and the
 * {@link dev.parley.chat.entity.MessagePosted} event through which chat hands a message to the archive.
 */
package dev.parley.chat.entity;
