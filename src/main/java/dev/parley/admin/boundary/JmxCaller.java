package dev.parley.admin.boundary;

import java.lang.reflect.InvocationTargetException;
import java.security.AccessController;
import java.security.Principal;
import java.util.Comparator;
import java.util.Optional;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;

/**
 * Who calls the MXBean, for the audit trail: the JDK's JMX connectors run each remote call as the Subject their
 * authenticator made, holding a {@link JMXPrincipal}; the actor is then {@code jmx:NAME}. A connector that runs calls
 * without a Subject (a local attach, WildFly's remoting connector, which keeps its caller in Elytron's own context)
 * leaves it at {@code jmx}.
 */
final class JmxCaller {

    static final String UNKNOWN = "jmx";
    /** The audit's actor column holds 255 characters. */
    static final int MAX_NAME_CHARS = 200;

    private JmxCaller() {}

    static String actor() {
        return actor(currentSubject());
    }

    static String actor(Subject subject) {
        if (subject == null) {
            return UNKNOWN;
        }
        Optional<String> name = subject.getPrincipals(JMXPrincipal.class).stream()
                .map(Principal::getName)
                .findFirst()
                .or(() ->
                        subject.getPrincipals().stream().map(Principal::getName).min(Comparator.naturalOrder()));
        return name.filter(found -> !found.isBlank())
                .map(found ->
                        UNKNOWN + ":" + (found.length() > MAX_NAME_CHARS ? found.substring(0, MAX_NAME_CHARS) : found))
                .orElse(UNKNOWN);
    }

    /**
     * {@code Subject.current()} where the JDK has it (18 and later, where the JMX connectors run calls with
     * {@code Subject.callAs}); Java 17 has only the access-control context, which later JDKs no longer carry.
     */
    @SuppressWarnings("removal")
    static Subject currentSubject() {
        try {
            return (Subject) Subject.class.getMethod("current").invoke(null);
        } catch (NoSuchMethodException java17) {
            try {
                return Subject.getSubject(AccessController.getContext());
            } catch (UnsupportedOperationException | SecurityException unavailable) {
                return null;
            }
        } catch (IllegalAccessException | InvocationTargetException unavailable) {
            return null;
        }
    }
}
