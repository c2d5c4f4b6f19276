/**
 * Chat logic: the room registry ({@link dev.parley.chat.control.Rooms}: membership, posting, fan-out, presence),
 * who is online ({@link dev.parley.chat.control.Users}), each connection's outbound queue with its single writer,
 * rate limits and the protocol's validation rules.
 */
package dev.parley.chat.control;
