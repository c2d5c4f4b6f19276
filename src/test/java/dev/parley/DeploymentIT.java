package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.Http;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DeploymentIT extends DeployedParley {

    /** The root is Parley's page (its title, its script), not a server's welcome page, and the script is served. */
    @Test
    void rootPageIsServed() throws Exception {
        HttpResponse<String> page = get("/");

        assertEquals(200, page.statusCode(), page::body);
        assertTrue(page.body().contains("<title>Parley</title>"), page::body);
        assertTrue(page.body().contains("<script type=\"module\" src=\"js/app.js\"></script>"), page::body);
        HttpResponse<String> script = get("/js/app.js");
        assertEquals(200, script.statusCode(), script::body);
        assertTrue(
                script.headers().firstValue("Content-Type").orElse("").contains("javascript"),
                script.headers()::toString);
        assertTrue(script.body().contains("from './connection.js'"), "js/app.js is not Parley's page script");
    }

    @Test
    void aGuestIsWelcomed() {
        try (ChatClient alice = ChatClient.connect(ChatClient.chatUri(base, "name=alice"))) {
            JsonObject welcome = alice.next();

            assertEquals("welcome", welcome.getString("type"), welcome::toString);
            assertEquals(1, welcome.getInt("protocol"), welcome::toString);
            assertEquals("alice", welcome.getString("user"), welcome::toString);
            assertTrue(ChatClient.strings(welcome, "rooms").contains("general"), welcome::toString);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return Http.get(base.toURI().resolve(path));
    }
}
