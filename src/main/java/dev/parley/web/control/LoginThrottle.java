package dev.parley.web.control;

import dev.parley.chat.control.ConnectionLog;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Failed logins per client address: each is logged (the user name as sent, truncated and escaped, never the
 * password), and an address that failed {@code parley.logins.failures-per-address} times within
 * {@code parley.logins.failure-window-s} is refused without its credentials being checked until that window ends,
 * so that a password cannot be guessed at the speed of the realm.
 */
@ApplicationScoped
public class LoginThrottle {

    static final Logger LOG = Logger.getLogger("dev.parley.logins");

    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    LoginSettings settings;
    LongSupplier nanoClock = System::nanoTime;
    private volatile long prunedAt;

    /** Failed logins of one address since {@code since} (nanoTime). */
    record Failures(long since, int count) {}

    @PostConstruct
    void readSettings() {
        settings = LoginSettings.from(Settings.fromEnvironment());
        prunedAt = nanoClock.getAsLong();
    }

    /** Whether logins from {@code address} are refused now, before any credentials are checked. */
    public boolean refuses(String address) {
        Failures failures = byAddress.get(address);
        return failures != null
                && !expired(failures, nanoClock.getAsLong())
                && failures.count() >= settings.failuresPerAddress();
    }

    /** A login from {@code address} as {@code user} failed ({@code how}: basic, form). */
    public void failed(String address, String user, String how) {
        long now = nanoClock.getAsLong();
        pruneExpired(now);
        Failures failures = byAddress.compute(
                address,
                (key, held) -> held == null || expired(held, now)
                        ? new Failures(now, 1)
                        : new Failures(held.since(), held.count() + 1));
        LOG.warning(ConnectionLog.line(
                "login_failed", "user", user, "address", address, "via", how, "failures", failures.count()));
        if (failures.count() == settings.failuresPerAddress()) {
            LOG.warning(ConnectionLog.line(
                    "logins_refused",
                    "address",
                    address,
                    "seconds",
                    settings.failureWindow().toSeconds()));
        }
    }

    private boolean expired(Failures failures, long now) {
        return now - failures.since() >= settings.failureWindow().toNanos();
    }

    /** Once a window: the addresses that stopped failing are forgotten, so the map holds one window's addresses. */
    private void pruneExpired(long now) {
        if (now - prunedAt >= settings.failureWindow().toNanos()) {
            prunedAt = now;
            byAddress.values().removeIf(failures -> expired(failures, now));
        }
    }
}
