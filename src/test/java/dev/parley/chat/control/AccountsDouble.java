package dev.parley.chat.control;

import dev.parley.chat.entity.KnownAccounts;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The accounts that have logged in, kept in memory as the archive keeps them in the database. */
public class AccountsDouble implements KnownAccounts {

    public final Set<String> stored = ConcurrentHashMap.newKeySet();

    @Override
    public Set<String> names() {
        return Set.copyOf(stored);
    }

    @Override
    public void remember(String name) {
        stored.add(name);
    }
}
