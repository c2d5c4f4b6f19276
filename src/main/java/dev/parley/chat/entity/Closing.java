package dev.parley.chat.entity;

import jakarta.websocket.CloseReason;

/** The close codes of protocol v1. */
public enum Closing implements CloseReason.CloseCode {
    NORMAL(1000),
    GOING_AWAY(1001),
    TOO_BIG(1009),
    INTERNAL_ERROR(1011),
    UNAUTHORIZED(4001),
    NAME_INVALID(4002),
    NAME_TAKEN(4003),
    BANNED(4004),
    ORIGIN_REFUSED(4005),
    TOO_SLOW(4008),
    LIMIT_EXCEEDED(4009),
    NO_PONG(4010),
    REPLACED(4011),
    /** Kept sending over its command rate (an extension of v1: a v1 client reconnects after a backoff). */
    RATE_LIMITED(4029);

    private final int code;

    Closing(int code) {
        this.code = code;
    }

    @Override
    public int getCode() {
        return code;
    }

    public CloseReason reason(String phrase) {
        return new CloseReason(this, phrase);
    }
}
