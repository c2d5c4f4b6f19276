package dev.parley.history.boundary;

import dev.parley.chat.entity.KnownAccounts;
import dev.parley.history.control.AccountStore;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the accounts that have logged in, for chat to reserve their names. A first login is stored on the
 * container's executor, so no handshake waits for the database; if storing fails the name stays reserved until
 * the server stops, and the account's first login after the next start stores it.
 */
@ApplicationScoped
public class AccountArchive implements KnownAccounts {

    private static final Logger LOG = Logger.getLogger(AccountArchive.class.getName());

    @Inject
    AccountStore store;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    Executor executor;

    @Override
    public Set<String> names() {
        return Set.copyOf(store.names());
    }

    @Override
    public void remember(String name) {
        executor.execute(() -> {
            try {
                store.remember(name);
            } catch (RuntimeException failed) {
                LOG.log(Level.WARNING, "could not store the account " + name + " as known", failed);
            }
        });
    }
}
