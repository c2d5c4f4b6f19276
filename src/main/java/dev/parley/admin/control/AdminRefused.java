package dev.parley.admin.control;

import jakarta.ejb.ApplicationException;

/**
 * An operator's request that cannot be done as asked: bad input, or nothing to act on. An application exception,
 * so the EJB container hands it to the caller as it is (REST turns it into 400/404, the MXBean into an
 * {@link IllegalArgumentException} a JMX client can read).
 */
@ApplicationException
public class AdminRefused extends RuntimeException {

    public enum Why {
        INVALID,
        NOT_FOUND,
        /** Not now: the state it acts on is still changing; the same request may succeed later. */
        BUSY,
        /** Not now: something it needs (the cluster bus) is down; the same request may succeed later. */
        UNAVAILABLE
    }

    private final Why why;

    public AdminRefused(Why why, String message) {
        super(message);
        this.why = why;
    }

    public Why why() {
        return why;
    }

    static AdminRefused invalid(String message) {
        return new AdminRefused(Why.INVALID, message);
    }

    static AdminRefused busy(String message) {
        return new AdminRefused(Why.BUSY, message);
    }

    static AdminRefused unavailable(String message) {
        return new AdminRefused(Why.UNAVAILABLE, message);
    }

    static AdminRefused notFound(String message) {
        return new AdminRefused(Why.NOT_FOUND, message);
    }
}
