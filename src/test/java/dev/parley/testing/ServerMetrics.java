package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One figure of Parley's {@code /api/metrics}, as a test reads it. */
public final class ServerMetrics {

    private ServerMetrics() {}

    /** The value of the unlabelled metric {@code name}; fails when the server does not report it. */
    public static long value(URL base, String name) {
        HttpResponse<String> metrics;
        try {
            metrics = Http.get(URI.create(base.toString()).resolve("/api/metrics"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Matcher line =
                Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics.body());
        if (metrics.statusCode() != 200 || !line.find()) {
            throw new AssertionError("no " + name + " in " + metrics.statusCode() + " " + metrics.body());
        }
        return (long) Double.parseDouble(line.group(1));
    }
}
