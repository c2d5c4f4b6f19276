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
 * per client address, and at most so many new ones per address and second; and how many commands one address may
 * send on all its connections together, so that opening more connections does not multiply the per-connection
 * command rates. The client address is the TCP peer,
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

    private ConnectionLimits limits;
    private LongSupplier nanoClock = System::nanoTime;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Integer> openByAddress = new ConcurrentHashMap<>();
    private RateLimiters handshakesByAddress;
    private RateLimiters saysByAddress;
    private RateLimiters commandsByAddress;
    private final Map<String, SampledLog> refusalLogByAddress = new ConcurrentHashMap<>();
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private volatile long purgedAt;

    @PostConstruct
    void readSettings() {
        use(ConnectionLimits.from(Settings.fromEnvironment()), System::nanoTime);
    }

    /** The limits, and the clock every bucket here runs on (a test's own). */
    void use(ConnectionLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        purgedAt = nanoClock.getAsLong();
        handshakesByAddress = new RateLimiters(limits.handshakesPerSecond(), limits.handshakeBurst(), nanoClock);
        saysByAddress = keyed(limits.addressSays());
        commandsByAddress = keyed(limits.addressCommands());
    }

    private RateLimiters keyed(ConnectionLimits.Rate rate) {
        return new RateLimiters(rate.perSecond(), rate.burst(), nanoClock);
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /**
     * The client's address as far as Parley can trust it. Behind a trusted proxy, a hop that is not an IP address
     * (proxies write {@code unknown} or a host name) ends the search at the proxy, so it cannot switch off the
     * per-address limits and bans; an IPv6 address has one spelling however the header wrote it.
     */
    public String clientAddress(Handshake handshake) {
        String address = handshake.peer() == null ? UNKNOWN : handshake.peer();
        if (!limits.trustedProxies().contains(address) || handshake.forwardedFor() == null) {
            return address;
        }
        List<String> hops = List.of(handshake.forwardedFor().split(","));
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = IpAddresses.canonical(hops.get(i));
            if (hop == null) {
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

    /**
     * Whether a refusal of a connection from {@code address} is logged: at most
     * {@code parley.log.refusals-per-address-per-minute} lines a minute per address.
     *
     * @return -1 to leave this one out, else how many were left out since the last line
     */
    public long refusalsLeftOutBefore(String address) {
        purgeIdleLogs();
        return refusalLogByAddress
                .computeIfAbsent(
                        address,
                        absent -> new SampledLog(new RateLimiter(
                                limits.refusalLinesPerMinute() / 60.0, limits.refusalLinesPerMinute(), nanoClock)))
                .admit();
    }

    /** A log allowance that is full and left nothing out says nothing a new one would not: idle ones are forgotten. */
    private void purgeIdleLogs() {
        long now = nanoClock.getAsLong();
        if (now - purgedAt > NANOS_PER_SECOND * 10) {
            purgedAt = now;
            refusalLogByAddress.values().removeIf(SampledLog::idle);
        }
    }

    /**
     * A connection from {@code address} was closed with 4029 for flooding: the address opens no new connection for
     * {@code parley.handshakes.strike-cooldown-s}, so the flooder cannot come straight back (each new connection
     * costs a welcome, and its joins a snapshot of each room). Its other connections stay as they are.
     */
    public void struckOut(String address) {
        if (address != null
                && !UNKNOWN.equals(address)
                && !limits.strikeCooldown().isZero()) {
            handshakesByAddress.holdOff(address, limits.strikeCooldown().toNanos());
        }
    }

    private boolean handshakeAllowed(String address) {
        return handshakesByAddress.tryAcquire(address);
    }

    /**
     * Takes a token for one command from the address's bucket, which all its connections share: {@code say} and
     * {@code whisper} from one, every other command from the other. An unknown address is not limited here (its
     * connections still are, each on its own).
     */
    public boolean withinAddressRate(String address, boolean post) {
        if (UNKNOWN.equals(address)) {
            return true;
        }
        return post ? saysByAddress.tryAcquire(address) : commandsByAddress.tryAcquire(address);
    }

    private void release(String address) {
        open.decrementAndGet();
        if (address == null) {
            return;
        }
        openByAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** A log allowance that counts the lines it left out. */
    private static final class SampledLog {

        private final RateLimiter allowance;
        private long leftOut;

        SampledLog(RateLimiter allowance) {
            this.allowance = allowance;
        }

        synchronized long admit() {
            if (!allowance.tryAcquire()) {
                leftOut++;
                return -1;
            }
            long before = leftOut;
            leftOut = 0;
            return before;
        }

        /** Full and nothing left out: forgetting it loses nothing. */
        synchronized boolean idle() {
            return leftOut == 0 && allowance.isFull();
        }
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
