package dev.parley;

import dev.parley.testing.DeployedParley;

/**
 * The Arquillian server stores in the database its profile set up, as its startup log says. Needs the server's log
 * file ({@code parley.it.server-log}), which the wildfly and payara-server profiles give; the payara and liberty
 * profiles exclude it (there {@link DurabilityIT} checks the same startup line on a server of its own).
 */
class DatabaseIT extends DeployedParley {

    /** The profile says which database the server must use ({@code parley.it.database}); its startup log names it. */
}
