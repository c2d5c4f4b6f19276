package dev.parley.chat.control;

import dev.parley.chat.entity.Handshake;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Who may open a connection at all, before any name is looked at: at most so many open connections in total and
 * per client address, and at most so many new ones per address and second. The client address is the TCP peer,
 * or, when the peer is a trusted proxy, the last address in {@code X-Forwarded-For} that is not one.
 * <p>
 * Every admission is a {@link Ticket} that holds its slots until released; release is idempotent, so every close
 * path (normal close, refusal, takeover, a dropped socket) may release it without counting twice.
 */
@ApplicationScoped
public class ConnectionGate {

    /** The address used when the container did not tell Parley the peer: per-address limits do not apply. */
    public static final String UNKNOWN = "unknown";

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    ConnectionLimits limits;
    LongSupplier nanoClock = System::nanoTime;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Integer> openByAddress = new ConcurrentHashMap<>();
    private final Map<String, RateLimiter> handshakesByAddress = new ConcurrentHashMap<>();
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private volatile long purgedAt;

    @PostConstruct
    void readSettings() {
        limits = ConnectionLimits.from(Settings.fromEnvironment());
        purgedAt = nanoClock.getAsLong();
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /** The client's address as far as Parley can trust it. */
    public String clientAddress(Handshake handshake) {
        String address = handshake.peer() == null ? UNKNOWN : handshake.peer();
        if (!limits.trustedProxies().contains(address) || handshake.forwardedFor() == null) {
            return address;
        }
        List<String> hops = List.of(handshake.forwardedFor().split(","));
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i).trim();
            if (hop.isEmpty()) {
                break;
            }
            address = hop;
            if (!limits.trustedProxies().contains(hop)) {
                break;
            }
        }
        return address;
    }

    /** Takes a slot for a new connection from {@code address}, or says which limit refuses it. */
    public Ticket enter(String address) {
        if (!accepting.get()) {
            return new Ticket(null, "the server is shutting down");
        }
        boolean known = !UNKNOWN.equals(address);
        if (known && !handshakeAllowed(address)) {
            return new Ticket(null, "too many new connections from " + address + "; retry later");
        }
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            return new Ticket(null, "the server has reached its connection limit; retry later");
        }
        if (known) {
            boolean[] within = {false};
            openByAddress.compute(address, (key, count) -> {
                int current = count == null ? 0 : count;
                within[0] = current < limits.perAddress();
                return within[0] ? Integer.valueOf(current + 1) : count;
            });
            if (!within[0]) {
                open.decrementAndGet();
                return new Ticket(null, "too many connections from " + address);
            }
        }
        return new Ticket(known ? address : null, null);
    }

    /** New connections are refused from now on (shutdown). */
    public void stopAccepting() {
        accepting.set(false);
    }

    public boolean accepting() {
        return accepting.get();
    }

    public int openConnections() {
        return open.get();
    }

    public int openConnections(String address) {
        return openByAddress.getOrDefault(address, 0);
    }

    private boolean handshakeAllowed(String address) {
        long now = nanoClock.getAsLong();
        if (now - purgedAt > NANOS_PER_SECOND * 10) {
            purgedAt = now;
            // a bucket refills completely within burst / rate seconds; older ones say nothing a new one would not
            handshakesByAddress.values().removeIf(bucket -> bucket.isFull());
        }
        return handshakesByAddress
                .computeIfAbsent(
                        address,
                        absent -> new RateLimiter(limits.handshakesPerSecond(), limits.handshakeBurst(), nanoClock))
                .tryAcquire();
    }

    private void release(String address) {
        open.decrementAndGet();
        if (address == null) {
            return;
        }
        openByAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** One admission (or refusal); {@link #release()} gives its slots back once, however often it is called. */
    public final class Ticket {

        private final String address;
        private final String refusal;
        private final AtomicBoolean held;

        private Ticket(String address, String refusal) {
            this.address = address;
            this.refusal = refusal;
            this.held = new AtomicBoolean(refusal == null);
        }

        public boolean admitted() {
            return refusal == null;
        }

        /** Why the connection is refused, or null when admitted. */
        public String refusal() {
            return refusal;
        }

        public void release() {
            if (held.compareAndSet(true, false)) {
                ConnectionGate.this.release(address);
            }
        }
    }
}
