/**
 * The nouns of chat: protocol v1's commands and events, error and close codes, who is connecting, and chat's
 * contract with the archive: the {@link dev.parley.chat.entity.MessagePosted} event that hands a post over, the
 * {@link dev.parley.chat.entity.PostsSettled} event that brings its receipt back, and the reads chat needs
 * ({@link dev.parley.chat.entity.MessageHistory}).
 */
package dev.parley.chat.entity;
