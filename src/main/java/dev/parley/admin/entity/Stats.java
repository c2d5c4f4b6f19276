package dev.parley.admin.entity;

/** The live counts: open connections, rooms, messages stored, messages a second lately, seconds since start. */
public record Stats(int connections, int rooms, long messagesStored, double messagesPerSecond, long uptimeSeconds) {}
