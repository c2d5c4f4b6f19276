package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Handshake;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Which pages may open a chat. The request's own {@code Host} proves nothing: a page whose name an attacker points
 * at an intranet server (DNS rebinding) sends that name as both Origin and Host. So only origins named here pass:
 * no {@code Origin} at all (not a browser), a page served from a loopback name or address (a page on the server's
 * own machine), or one of {@code parley.allowed-origins}, matched by scheme, host and port ({@code *} allows every
 * origin). A public server needs that setting, so what it allows is said at start.
 */
@ApplicationScoped
public class AllowedOrigins {

    private static final Logger LOG = Logger.getLogger(AllowedOrigins.class.getName());

    List<String> allowed;

    @PostConstruct
    void readSettings() {
        allowed = ChatLimits.from(Settings.fromEnvironment()).allowedOrigins();
    }

    /** Said once the application has started, not at the first handshake: an operator reads the log at start. */
    void sayAtStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        List<String> unusable = allowed.stream()
                .filter(origin -> !"*".equals(origin) && Origin.parse(origin) == null)
                .toList();
        if (!unusable.isEmpty()) {
            LOG.warning("parley.allowed-origins: " + unusable
                    + " are not origins (scheme://host[:port], e.g. https://chat.example.org) and allow nothing");
        }
        if (allowed.isEmpty()) {
            LOG.warning("parley.allowed-origins is not set: only pages served from localhost or a loopback address"
                    + " may open a chat; a browser on any other origin is refused with 4005 origin_refused. Set"
                    + " parley.allowed-origins to the address users open, e.g. https://chat.example.org");
        } else {
            LOG.info("pages of these origins may open a chat (besides loopback ones): " + allowed);
        }
    }

    public boolean allowed(String origin) {
        if (origin == null) {
            return true;
        }
        Origin parsed = Origin.parse(origin);
        if (parsed == null) {
            return false;
        }
        return parsed.loopback()
                || allowed.stream().anyMatch(each -> "*".equals(each) || parsed.equals(Origin.parse(each)));
    }

    /**
     * Judges the handshake's origin alone, before the connection takes any of its address's limits: a page that may
     * not connect must not spend the handshakes of the address it runs at.
     *
     * @return null when the origin may connect, else the refusal
     */
    public Users.Refused refusal(Handshake handshake) {
        return allowed(handshake.origin())
                ? null
                : new Users.Refused(
                        ErrorCode.ORIGIN_REFUSED,
                        Closing.ORIGIN_REFUSED,
                        "pages of this origin may not connect (the server's parley.allowed-origins)");
    }

    /** An origin as scheme, host and port (the scheme's default port when none is written); never resolved. */
    private record Origin(String scheme, String host, int port) {

        static Origin parse(String text) {
            try {
                URI uri = new URI(text.trim().toLowerCase(Locale.ROOT));
                String scheme = uri.getScheme();
                if (uri.getHost() == null
                        || !("http".equals(scheme) || "https".equals(scheme))
                        || uri.getUserInfo() != null
                        || uri.getQuery() != null
                        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath()))) {
                    return null;
                }
                int port = uri.getPort() == -1 ? ("https".equals(scheme) ? 443 : 80) : uri.getPort();
                return new Origin(scheme, uri.getHost(), port);
            } catch (URISyntaxException malformed) {
                return null;
            }
        }

        /** localhost and its subdomains (RFC 6761), 127.0.0.0/8, ::1: the address can only be the machine itself. */
        boolean loopback() {
            if (host.equals("localhost") || host.endsWith(".localhost")) {
                return true;
            }
            String address = IpAddresses.canonical(host);
            return address != null && (address.startsWith("127.") || address.equals("::1"));
        }
    }
}
