/**
 * What administration stores (tables in {@code db/schema.sql}): bans, mutes, closed rooms and the audit trail, and
 * the views of them that the REST API and the MXBean show. Times are epoch milliseconds; {@code until} 0 means
 * permanent.
 */
package dev.parley.admin.entity;
