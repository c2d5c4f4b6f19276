package dev.parley.chat.entity;

import java.util.Locale;

/** The error codes of protocol v1; {@link #wire()} is the name a client sees. */
public enum ErrorCode {
    BAD_REQUEST,
    NOT_MEMBER,
    ROOM_INVALID,
    ROOM_CLOSED,
    TEXT_INVALID,
    REF_CONFLICT,
    USER_UNKNOWN,
    RATE_LIMITED,
    LIMIT_EXCEEDED,
    MUTED,
    BANNED,
    NAME_INVALID,
    NAME_TAKEN,
    ORIGIN_REFUSED,
    UNAUTHORIZED,
    INTERNAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
