package dev.parley.chat.entity;

import java.util.Set;

/**
 * The accounts that have ever logged in, whose names no guest may take (no portable API asks a realm which names
 * exist). Chat owns this contract and history keeps the names.
 */
public interface KnownAccounts {

    /** Every account name that has logged in, case-folded. */
    Set<String> names();

    /** Keeps the (case-folded) name of an account at its first login; chat does not wait for it to be stored. */
    void remember(String name);
}
