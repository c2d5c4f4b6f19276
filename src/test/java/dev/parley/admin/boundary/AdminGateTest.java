package dev.parley.admin.boundary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AdminGateTest {

    @Test
    void basicCredentialsAreSplitAtTheFirstColonOnly() {
        assertArrayEquals(new String[] {"ops", "pa:ss word"}, AdminGate.basicCredentials(basic("ops:pa:ss word")));
        assertArrayEquals(new String[] {"ops", "s\u00e9cret"}, AdminGate.basicCredentials(basic("ops:s\u00e9cret")));
        assertArrayEquals(new String[] {"ops", ""}, AdminGate.basicCredentials("basic " + encode("ops:")));
    }

    @Test
    void anythingElseIsNoCredentials() {
        assertNull(AdminGate.basicCredentials(null));
        assertNull(AdminGate.basicCredentials("Bearer abc"));
        assertNull(AdminGate.basicCredentials("Basic !!not-base64!!"));
        assertNull(AdminGate.basicCredentials(basic("no-colon")));
        assertNull(AdminGate.basicCredentials(basic(":no-user")));
    }

    private static String basic(String credentials) {
        return "Basic " + encode(credentials);
    }

    private static String encode(String credentials) {
        return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
}
