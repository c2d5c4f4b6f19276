package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Opens many connections with a bounded number of handshakes in flight and brings each into its room: Parley
 * connections send {@code join} after {@code welcome} and are ready at {@code joined}; raw ones are ready when open.
 * Frames after that go to the scenario's handler. A connection that fails before it is ready is tried again, up
 * to three times in all; the retries are reported.
 */
final class Fleet {

    private final Target target;
    private final String prefix;
    private final int concurrency;
    private final Connector connector;
    private static final int ATTEMPTS = 3;
    private final java.util.concurrent.atomic.LongAdder retries = new java.util.concurrent.atomic.LongAdder();

    Fleet(Target target, String prefix, int concurrency) {
        this(target, prefix, concurrency, Client::connect);
    }

    /**
     * {@code sources}: the JDK clients to connect through, round-robin (one per source address, from
     * {@link Client#httpClients}).
     */
    Fleet(Target target, String prefix, int concurrency, HttpClient[] sources) {
        this(
                target,
                prefix,
                concurrency,
                (uri, index, name, room, handler) ->
                        Client.connect(sources[index % sources.length], uri, index, name, room, handler));
    }

    /** Connecting through {@code connector}: the JDK client or the lean one ({@link Connector#of}). */
    Fleet(Target target, String prefix, int concurrency, Connector connector) {
        this.target = target;
        this.prefix = prefix;
        this.concurrency = concurrency;
        this.connector = connector;
    }

    /** Connects clients {@code from} … {@code from + count - 1}; returns when all are ready or throws. */
    List<Client> open(int from, int count, IntFunction<String> roomOf, Client.Handler scenario, long timeoutSeconds)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<Client>> ready = new ArrayList<>(count);
        Client.Handler joining = new Joining(scenario);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (int i = from; i < from + count; i++) {
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("connecting took over " + timeoutSeconds + " s at client " + i);
            }
            CompletableFuture<Client> one = attempt(i, roomOf.apply(i), joining, ATTEMPTS);
            one.whenComplete((client, failure) -> inFlight.release());
            ready.add(one);
        }
        List<Client> clients = new ArrayList<>(count);
        for (CompletableFuture<Client> one : ready) {
            try {
                clients.add(one.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException failed) {
                throw new IllegalStateException("a connection did not become ready: " + failed.getCause(), failed);
            }
        }
        return clients;
    }

    /** Connects, retrying a connection that failed before it was ready (a busy server may drop a handshake). */
    private CompletableFuture<Client> attempt(int index, String room, Client.Handler joining, int attemptsLeft) {
        // a retry takes a fresh name: the server may still hold the first one until it notices the drop
        String name = prefix + index + (attemptsLeft < ATTEMPTS ? "r" + attemptsLeft : "");
        URI uri = target.uri(index, name, room);
        return connector
                .connect(uri, index, name, room, joining)
                .thenCompose(client -> {
                    if (target.raw()) {
                        client.ready.complete(client);
                    }
                    return client.ready;
                })
                .handle((client, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(client);
                    }
                    if (attemptsLeft <= 1) {
                        return CompletableFuture.<Client>failedFuture(failure);
                    }
                    retries.increment();
                    return attempt(index, room, joining, attemptsLeft - 1);
                })
                .thenCompose(next -> next);
    }

    long retries() {
        return retries.sum();
    }

    private static final class Joining implements Client.Handler {
        private final Client.Handler scenario;

        Joining(Client.Handler scenario) {
            this.scenario = scenario;
        }

        @Override
        public void onFrame(Client client, String frame) {
            if (client.ready.isDone()) {
                scenario.onFrame(client, frame);
                return;
            }
            String type = Json.type(frame);
            if ("welcome".equals(type)) {
                client.send(Target.join(client.room));
            } else if ("joined".equals(type)) {
                client.joinedLast = Math.max(0, Json.number(frame, "last"));
                client.ready.complete(client);
            } else if ("error".equals(type)) {
                client.ready.completeExceptionally(new IllegalStateException(client.name + ": " + frame));
            }
        }

        @Override
        public void onClose(Client client, int code, String reason) {
            client.ready.completeExceptionally(
                    new IllegalStateException(client.name + " closed: " + code + " " + reason));
            scenario.onClose(client, code, reason);
        }
    }
}
