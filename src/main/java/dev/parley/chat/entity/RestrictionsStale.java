package dev.parley.chat.entity;

/**
 * This node's copy of the bans, mutes and closed rooms may be behind the database: another node of the cluster changed
 * them, or the cluster bus was down and such news may have been lost. The admin component reads them again, expels
 * whom a new ban names and empties a newly closed room.
 */
public record RestrictionsStale() {}
