package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The users the admin tests log in as, created on the unpacked WildFly (system property {@code jboss.home}) with its
 * own {@code bin/add-user.sh}, exactly as an operator would, before any test server copies
 * {@code standalone/configuration}: an application user with group {@code chat-admin}, one without, and a
 * management user for JMX. Nothing happens here on other servers: Liberty's test users are in its server.xml, Payara
 * Micro's are added by {@link #addTo} when it is laid out.
 */
public final class RealmUsers implements LauncherSessionListener {

    public static final String ADMIN = "parley-admin";
    public static final String ADMIN_PASSWORD = "admin-Secret-1";
    public static final String CHATTER = "parley-chatter";
    public static final String CHATTER_PASSWORD = "chatter-Secret-1";
    public static final String JMX = "parley-jmx";
    public static final String JMX_PASSWORD = "jmx-Secret-1";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String home = System.getProperty("jboss.home");
        if (home == null || !"wildfly".equals(System.getProperty("parley.it.server", "wildfly"))) {
            return;
        }
        Path configuration = Path.of(home, "standalone", "configuration");
        addUser(
                Path.of(home),
                configuration.resolve("application-users.properties"),
                ADMIN,
                "-a",
                "-u",
                ADMIN,
                "-p",
                ADMIN_PASSWORD,
                "-g",
                "chat-admin");
        addUser(
                Path.of(home),
                configuration.resolve("application-users.properties"),
                CHATTER,
                "-a",
                "-u",
                CHATTER,
                "-p",
                CHATTER_PASSWORD);
        addUser(Path.of(home), configuration.resolve("mgmt-users.properties"), JMX, "-u", JMX, "-p", JMX_PASSWORD);
    }

    /** The admin tests' application users (an admin in group {@code chat-admin}, a user without) on {@code server}. */
    static void addTo(ServerProcess server) {
        server.addApplicationUser(ADMIN, ADMIN_PASSWORD, "chat-admin");
        server.addApplicationUser(CHATTER, CHATTER_PASSWORD);
    }

    /** Runs add-user.sh unless the user is already in the file (the unpacked server is kept between builds). */
    private static void addUser(Path home, Path users, String name, String... arguments) {
        try {
            if (Files.isRegularFile(users)
                    && Files.readAllLines(users, StandardCharsets.UTF_8).stream()
                            .anyMatch(line -> line.startsWith(name + "="))) {
                return;
            }
            List<String> command = new ArrayList<>(
                    List.of(home.resolve("bin").resolve("add-user.sh").toString()));
            command.addAll(List.of(arguments));
            command.add("-s");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("JBOSS_HOME", home.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("add-user.sh for " + name + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
