package dev.parley.admin.entity;

/**
 * A ban as the REST API shows it: a {@code user} ban's subject is the user's key ({@code g:bob}, {@code a:bob}), which
 * the API takes back to lift it; {@code until} 0 is permanent.
 */
public record BanView(String kind, String subject, long until, String reason, long createdAt, String createdBy) {}
