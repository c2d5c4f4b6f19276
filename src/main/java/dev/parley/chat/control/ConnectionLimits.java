package dev.parley.chat.control;

import dev.parley.settings.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The limits on connections themselves, read once from {@code parley.*} settings: how many may be open, in total
 * and per client address, how fast one address may open them and send commands on all of them together, which proxies' {@code X-Forwarded-For} to believe,
 * how idle connections are pinged, and how long a shutdown waits for connections to close. The settings
 * document lists the same names and defaults.
 *
 * @param maxConnections       open connections in total
 * @param perAddress           open connections per client address
 * @param handshakesPerSecond  new connections per client address and second (sustained)
 * @param handshakeBurst       new connections one address may open at once before the rate applies
 * @param strikeCooldown       after one of its connections was closed with 4029, the address opens no new one for
 *                             this long; zero: no cool-down
 * @param trustedProxies       peer addresses whose {@code X-Forwarded-For} names the client
 * @param pingInterval         a connection silent this long is pinged; zero turns pings off
 * @param pingTimeout          a pinged connection that stays silent this long is closed with 4010
 * @param shutdownDrain        how long a shutdown waits for in-flight messages to reach their clients
 * @param refusalLinesPerMinute refusal lines logged per client address and minute; the rest are counted
 * @param addressSays          {@code say} and {@code whisper} per client address, all its connections together
 * @param addressCommands      every other command per client address, all its connections together
 */
public record ConnectionLimits(
        int maxConnections,
        int perAddress,
        double handshakesPerSecond,
        int handshakeBurst,
        Duration strikeCooldown,
        Set<String> trustedProxies,
        Duration pingInterval,
        Duration pingTimeout,
        Duration shutdownDrain,
        int refusalLinesPerMinute,
        Rate addressSays,
        Rate addressCommands) {

    /** A token bucket's size: so many a second, sustained, and so many at once. */
    public record Rate(double perSecond, int burst) {}

    public static ConnectionLimits from(Settings settings) {
        return new ConnectionLimits(
                settings.integer("parley.connections.max", 10_000),
                settings.integer("parley.connections.per-address", 100),
                settings.integer("parley.handshakes.per-address-per-second", 10),
                settings.integer("parley.handshakes.per-address-burst", 30),
                // a flooder closed with 4029 that came straight back would cost a welcome and its joins' snapshots
                // again and again: the closes of the hostile benchmark's history bombers tripled their welcomes
                Duration.ofSeconds(Math.max(0, settings.integer("parley.handshakes.strike-cooldown-s", 10))),
                Stream.of(settings.text("parley.trusted-proxies", "").split(","))
                        .map(String::trim)
                        .filter(address -> !address.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()),
                settings.millis("parley.ping.interval-ms", Duration.ofSeconds(30)),
                settings.millis("parley.ping.timeout-ms", Duration.ofSeconds(10)),
                settings.millis("parley.shutdown.drain-ms", Duration.ofSeconds(5)),
                settings.integer("parley.log.refusals-per-address-per-minute", 10),
                new Rate(
                        settings.integer("parley.rate.say-per-address-per-second", 100),
                        settings.integer("parley.rate.say-per-address-burst", 200)),
                new Rate(
                        settings.integer("parley.rate.commands-per-address-per-second", 300),
                        settings.integer("parley.rate.commands-per-address-burst", 600)));
    }

    public static ConnectionLimits defaults() {
        return from(Settings.of(Map.of()));
    }
}
