package dev.parley.admin.entity;

/** A ban as the REST API shows it; {@code until} 0 is permanent. */
public record BanView(String kind, String subject, long until, String reason, long createdAt, String createdBy) {}
