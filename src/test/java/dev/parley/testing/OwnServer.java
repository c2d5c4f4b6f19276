package dev.parley.testing;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server of a test class's own ({@link ServerProcess}), for tests that need settings the shared Arquillian server
 * must not have, or that kill and restart it. Register it in the test class:
 *
 * <pre>{@code @RegisterExtension static final OwnServer server = OwnServer.with("name", "-Dparley.x=1");}</pre>
 *
 * It starts on first use ({@link #process()}, {@link #base()}), so a class whose every test is left out starts
 * nothing, and it stops after the class's last test.
 */
public final class OwnServer implements AfterAllCallback {

    private final String name;
    private final String[] settings;
    private final List<Consumer<ServerProcess>> beforeStart = new ArrayList<>();
    private ServerProcess process;

    private OwnServer(String name, String[] settings) {
        this.name = name;
        this.settings = settings;
    }

    /** The profile's server under {@code <build dir>/name/} with {@code settings} as extra JVM options. */
    public static OwnServer with(String name, String... settings) {
        return new OwnServer(name, settings);
    }

    /**
     * Like {@link #with}, with every per-address limit lifted (connections, handshakes and their cool-down after a
     * 4029, commands, join snapshots, history replies): for tests whose clients all come from 127.0.0.1, as many as the test needs.
     */
    public static OwnServer forOneAddress(String name, String... settings) {
        return new OwnServer(
                name,
                Stream.concat(
                                Stream.of(
                                        "-Dparley.connections.per-address=100000",
                                        "-Dparley.handshakes.per-address-per-second=100000",
                                        "-Dparley.handshakes.per-address-burst=100000",
                                        "-Dparley.rate.say-per-address-per-second=100000",
                                        "-Dparley.rate.say-per-address-burst=100000",
                                        "-Dparley.rate.commands-per-address-per-second=100000",
                                        "-Dparley.rate.commands-per-address-burst=100000",
                                        "-Dparley.handshakes.strike-cooldown-s=0",
                                        "-Dparley.joins.chars-per-address-per-second=2000000000",
                                        "-Dparley.joins.chars-per-address-burst=2000000000",
                                        "-Dparley.history.chars-per-address-per-second=2000000000",
                                        "-Dparley.history.chars-per-address-burst=2000000000"),
                                Stream.of(settings))
                        .toArray(String[]::new));
    }

    /** A user of the server's own application realm, added the way its operator does before the first start. */
    public OwnServer withUser(String user, String password, String... groups) {
        beforeStart.add(server -> server.addApplicationUser(user, password, groups));
        return this;
    }

    /** One of the shipped server's optional configuration files, included as its operator does. */
    public OwnServer including(String file) {
        beforeStart.add(server -> server.includeConfiguration(file));
        return this;
    }

    /** The running server, started now if this is the first use. */
    public synchronized ServerProcess process() {
        if (process == null) {
            process = ServerProcess.prepare(name, settings);
            beforeStart.forEach(step -> step.accept(process));
            process.start();
        }
        return process;
    }

    /** Where Parley answers on this server, e.g. {@code http://127.0.0.1:8180/}. */
    public URL base() {
        try {
            return process().httpUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (process != null) {
            process.stop();
        }
    }
}
