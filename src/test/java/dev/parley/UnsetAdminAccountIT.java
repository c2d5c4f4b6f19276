package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.parley.testing.AdminApi;
import dev.parley.testing.FormLogin;
import dev.parley.testing.OwnServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped Open Liberty server with its {@code security.xml} included and {@code parley.admin.user} /
 * {@code parley.admin.password} left unset: no account at all, in particular none named and protected by the
 * variables' own text, which Liberty keeps for an unset variable. Open Liberty only (the other profiles exclude it):
 * the file is Liberty's.
 */
class UnsetAdminAccountIT {

    static final String LITERAL_USER = "${parley.admin.user}";
    static final String LITERAL_PASSWORD = "${parley.admin.password}";

    @RegisterExtension
    static final OwnServer server = OwnServer.with("unset-admin").including("security.xml");

    @Test
    void withTheAdminVariablesUnsetNobodyLogsIn() throws Exception {
        assertEquals(
                401,
                AdminApi.basic(server.base(), LITERAL_USER, LITERAL_PASSWORD)
                        .get("stats")
                        .statusCode(),
                "the variables' text is an account");
        assertFalse(
                FormLogin.as(server.base().toURI(), LITERAL_USER, LITERAL_PASSWORD).succeeded,
                "the variables' text logs in through the form");
        assertFalse(FormLogin.as(server.base().toURI(), "", "").succeeded, "an empty name logs in");
    }
}
