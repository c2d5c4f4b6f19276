package dev.parley.cluster.control;

import dev.parley.cluster.entity.Hint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The buses of several nodes in one JVM, behaving as Redis pub/sub may at its worst: a text reaches the other nodes
 * on a thread of the bus (one per node, as a Netty event loop), and the test can hold texts back and let them go in
 * reverse order, drop some, or take the bus down and bring it back. Presence is kept as the Redis scripts keep it:
 * who each node holds, a change of membership told to every node (in the order of the changes), leases.
 */
final class BusDouble implements AutoCloseable {

    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;
    private boolean down;
    private Predicate<String> dropped = text -> false;
    /** Presence: room to user key to the nodes holding it; names; each node's lease end (nanoTime). */
    private final Map<String, Map<String, Set<Node>>> holders = new HashMap<>();

    private final Map<String, String> names = new HashMap<>();
    private final Map<Node, Long> leases = new HashMap<>();
    private final Set<Node> reaped = new HashSet<>();

    ClusterBus node() {
        Node node = new Node();
        nodes.add(node);
        return node;
    }

    synchronized void hold() {
        holding = true;
    }

    /** Lets the held texts go, the last published first. */
    void releaseReversed() {
        List<Runnable> deliveries;
        synchronized (this) {
            holding = false;
            deliveries = new ArrayList<>(held);
            held.clear();
        }
        Collections.reverse(deliveries);
        deliveries.forEach(Runnable::run);
    }

    synchronized void dropWhen(Predicate<String> which) {
        dropped = which;
    }

    void down() {
        synchronized (this) {
            down = true;
        }
        nodes.forEach(node -> node.thread.execute(() -> node.listener.lost()));
    }

    void up() {
        synchronized (this) {
            down = false;
        }
        nodes.forEach(node -> node.thread.execute(() -> node.listener.subscribed()));
    }

    private void publish(Node from, String text) {
        for (Node to : nodes) {
            if (to == from) {
                continue;
            }
            Runnable delivery = () -> to.thread.execute(() -> to.listener.received(text));
            synchronized (this) {
                if (down || dropped.test(text)) {
                    continue;
                }
                if (holding) {
                    held.add(delivery);
                    continue;
                }
            }
            delivery.run();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Node node : nodes) {
            node.close();
        }
    }

    /** Under this: one node holds the user in the room, or lets go; a change of membership goes to every node. */
    private void hold(Node node, String room, String userKey, String name, boolean held) {
        Map<String, Set<Node>> users = holders.computeIfAbsent(room, r -> new HashMap<>());
        Set<Node> nodesHolding = users.computeIfAbsent(userKey, u -> new HashSet<>());
        boolean before = !nodesHolding.isEmpty();
        if (held) {
            nodesHolding.add(node);
            names.put(room + " " + userKey, name);
        } else {
            nodesHolding.remove(node);
        }
        if (before != !nodesHolding.isEmpty()) {
            String text = Hints.encode(new Hint.Presence(room, userKey, names.get(room + " " + userKey), !before));
            for (Node to : nodes) {
                if (!to.thread.isShutdown()) {
                    to.thread.execute(() -> to.listener.received(text));
                }
            }
        }
        if (nodesHolding.isEmpty()) {
            users.remove(userKey);
            names.remove(room + " " + userKey);
        }
    }

    private synchronized Set<String> holdings(Node node) {
        Set<String> held = new HashSet<>();
        holders.forEach((room, users) -> users.forEach((userKey, nodesHolding) -> {
            if (nodesHolding.contains(node)) {
                held.add(room + " " + userKey);
            }
        }));
        return held;
    }

    private static <T> CompletionStage<T> refused() {
        return CompletableFuture.failedFuture(new IllegalStateException("the bus is down"));
    }

    private final class Node implements ClusterBus {

        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private volatile Listener listener;

        @Override
        public void start(Listener listener) {
            this.listener = listener;
            thread.execute(listener::subscribed);
        }

        @Override
        public void publish(String text) {
            BusDouble.this.publish(this, text);
        }

        @Override
        public void hold(String room, String userKey, String name, boolean held) {
            synchronized (BusDouble.this) {
                if (!down) {
                    BusDouble.this.hold(this, room, userKey, name, held);
                }
            }
        }

        @Override
        public CompletionStage<Void> holdOnly(Collection<Holding> holdings) {
            synchronized (BusDouble.this) {
                if (down) {
                    return refused();
                }
                Set<String> wanted = new HashSet<>();
                for (Holding holding : holdings) {
                    wanted.add(holding.room() + " " + holding.userKey());
                    BusDouble.this.hold(this, holding.room(), holding.userKey(), holding.name(), true);
                }
                for (String held : holdings(this)) {
                    if (!wanted.contains(held)) {
                        String[] roomAndUser = held.split(" ");
                        BusDouble.this.hold(this, roomAndUser[0], roomAndUser[1], null, false);
                    }
                }
                return CompletableFuture.completedFuture(null);
            }
        }

        @Override
        public CompletionStage<Map<String, String>> members(String room) {
            synchronized (BusDouble.this) {
                if (down) {
                    return refused();
                }
                Map<String, String> members = new HashMap<>();
                holders.getOrDefault(room, Map.of())
                        .keySet()
                        .forEach(userKey -> members.put(userKey, names.get(room + " " + userKey)));
                return CompletableFuture.completedFuture(members);
            }
        }

        @Override
        public CompletionStage<Boolean> renewAndReap(Duration lease) {
            synchronized (BusDouble.this) {
                if (down) {
                    return refused();
                }
                long now = System.nanoTime();
                boolean lapsed = reaped.remove(this);
                leases.put(this, now + lease.toNanos());
                for (Node other : nodes) {
                    Long until = leases.get(other);
                    // as the scripts: a node that never renewed is not registered, so not reaped
                    if (other != this && until != null && until - now < 0) {
                        leases.remove(other);
                        reaped.add(other);
                        for (String held : holdings(other)) {
                            String[] roomAndUser = held.split(" ");
                            BusDouble.this.hold(other, roomAndUser[0], roomAndUser[1], null, false);
                        }
                    }
                }
                return CompletableFuture.completedFuture(lapsed);
            }
        }

        @Override
        public boolean up() {
            synchronized (BusDouble.this) {
                return !down;
            }
        }

        @Override
        public void close() {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
