/**
 * History logic: the database schema at startup and the transactional store that assigns seq, keeps refs
 * idempotent and pages through a room's messages.
 */
package dev.parley.history.control;
