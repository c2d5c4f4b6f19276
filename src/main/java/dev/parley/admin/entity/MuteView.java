package dev.parley.admin.entity;

/** A mute as the REST API shows it; {@code user} is the user's key ({@code g:bob}, {@code a:bob}), {@code until} 0 is permanent. */
public record MuteView(String room, String user, long until, long createdAt, String createdBy) {}
