package dev.parley.admin.entity;

/** An audit row as the REST API shows it; {@code at} in epoch milliseconds. */
public record AuditView(String id, long at, String actor, String action, String target, String reason) {}
