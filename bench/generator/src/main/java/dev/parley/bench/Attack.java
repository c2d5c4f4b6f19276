package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One kind of hostile client on the JDK WebSocket client: {@code slots} connections per source address, each one
 * reconnecting as soon as it is closed (after {@code retryMillis} when the server refused it at the handshake), and
 * a {@link Behaviour} that says what a connection does once welcomed. Counts what the attackers got: handshakes
 * welcomed and refused, frames by type, errors by code, closes by code.
 */
final class Attack {

    /** What one connection does; called on the client's callback thread (frames) or the attack's ticker (tick). */
    interface Behaviour {
        void welcomed(Slot slot);

        void onFrame(Slot slot, String type, String frame);

        /** Every 100 ms while welcomed: send what the pace allows. */
        void tick(Slot slot);
    }

    final String name;
    private final Target target;
    private final HttpClient[] sources;
    private final int slotsPerSource;
    private final long retryNanos;
    private final String prefix;
    private final Behaviour behaviour;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicLong names = new AtomicLong();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder welcomed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder connectFailed = new LongAdder();
    final LongAdder open = new LongAdder();
    private final Map<String, LongAdder> frames = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private long maxOpen;
    private volatile boolean stopped;
    private ScheduledFuture<?> ticking;

    Attack(
            String name,
            Target target,
            HttpClient[] sources,
            int slotsPerSource,
            long retryMillis,
            String prefix,
            Behaviour behaviour) {
        this.name = name;
        this.target = target;
        this.sources = sources;
        this.slotsPerSource = slotsPerSource;
        this.retryNanos = TimeUnit.MILLISECONDS.toNanos(retryMillis);
        this.prefix = prefix;
        this.behaviour = behaviour;
    }

    void start(ScheduledExecutorService ticker) {
        for (int i = 0; i < sources.length * slotsPerSource; i++) {
            slots.add(new Slot(i, sources[i % sources.length]));
        }
        ticking = ticker.scheduleAtFixedRate(this::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long now = System.nanoTime();
        for (Slot slot : slots) {
            try {
                slot.tick(now);
            } catch (RuntimeException failed) {
                count("tick_failed");
            }
        }
        maxOpen = Math.max(maxOpen, open.sum());
    }

    void stop() {
        stopped = true;
        if (ticking != null) {
            ticking.cancel(false);
        }
        slots.forEach(Slot::abort);
    }

    void count(String counter) {
        counters.computeIfAbsent(counter, c -> new LongAdder()).increment();
    }

    void add(String counter, long amount) {
        counters.computeIfAbsent(counter, c -> new LongAdder()).add(amount);
    }

    Map<String, Object> outcome() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source_addresses", sources.length);
        out.put("slots", slots.size());
        out.put("connect_attempts", attempts.sum());
        out.put("welcomed", welcomed.sum());
        out.put("refused_at_handshake", refused.sum());
        out.put("connect_failed", connectFailed.sum());
        out.put("open_max", maxOpen);
        out.put("frames_by_type", Results.counts(frames));
        out.put("errors_by_code", Results.counts(errors));
        out.put("closes_by_code", Results.counts(closes));
        out.putAll(Results.counts(counters));
        return out;
    }

    String brief() {
        return name + "[welcomed=" + welcomed.sum() + " refused=" + refused.sum() + " closes=" + Results.counts(closes)
                + " errors=" + Results.counts(errors) + " " + Results.counts(counters) + "]";
    }

    /** One connection at a time, reconnecting after each close. */
    final class Slot implements Client.Handler {
        final int index;
        private final HttpClient source;
        private volatile Client client;
        private volatile boolean connecting;
        private volatile boolean isWelcomed;
        private volatile long reconnectAt;
        private volatile Client lastClosed;
        /** The behaviour's state for the current connection, set in {@link Behaviour#welcomed}. */
        volatile Object session;

        Slot(int index, HttpClient source) {
            this.index = index;
            this.source = source;
        }

        Attack attack() {
            return Attack.this;
        }

        String user() {
            return client == null ? "" : client.name;
        }

        void send(String frame) {
            Client current = client;
            if (current != null && isWelcomed) {
                current.send(frame);
            }
        }

        private void tick(long now) {
            if (stopped) {
                return;
            }
            if (isWelcomed) {
                behaviour.tick(this);
            } else if (!connecting && now >= reconnectAt) {
                connect();
            }
        }

        private void connect() {
            connecting = true;
            attempts.increment();
            String user = prefix + Long.toString(names.incrementAndGet(), 36);
            URI uri = target.uri(user, null);
            Client.connect(source, uri, index, user, null, this).whenComplete((connected, failure) -> {
                if (failure != null) {
                    connectFailed.increment();
                    reconnectAt = System.nanoTime() + retryNanos;
                    connecting = false;
                } else {
                    client = connected;
                }
            });
        }

        private void abort() {
            Client current = client;
            if (current != null) {
                current.abort();
            }
        }

        @Override
        public void onFrame(Client from, String frame) {
            if (stopped) {
                return;
            }
            String type = Json.type(frame);
            frames.computeIfAbsent(type, t -> new LongAdder()).increment();
            if ("error".equals(type)) {
                errors.computeIfAbsent(String.valueOf(Json.string(frame, "code")), c -> new LongAdder())
                        .increment();
            }
            if ("welcome".equals(type)) {
                client = from;
                session = null;
                isWelcomed = true;
                connecting = false;
                welcomed.increment();
                open.increment();
                behaviour.welcomed(this);
            } else if (isWelcomed) {
                behaviour.onFrame(this, type, frame);
            }
        }

        @Override
        public void onClose(Client from, int code, String reason) {
            if (stopped || from == lastClosed) {
                return; // the JDK client may report one end twice (onClose, then onError)
            }
            lastClosed = from;
            closes.computeIfAbsent(code, c -> new LongAdder()).increment();
            if (isWelcomed) {
                open.decrement();
                reconnectAt = System.nanoTime(); // at once, as a page would after 4008
            } else {
                refused.increment();
                reconnectAt = System.nanoTime() + retryNanos;
            }
            client = null;
            isWelcomed = false;
            connecting = false;
        }
    }
}
