package dev.parley;

import static dev.parley.testing.ChatClient.json;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.RealmUsers;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The smoke test of the admin REST API's login on every server (the full admin suite, AdminIT, runs on WildFly): no
 * credentials 401 with a Basic challenge, a user of the server's realm without the role 403, an admin 200, and one
 * action that reaches a WebSocket client. The users are the realm's own: WildFly's add-user.sh (RealmUsers),
 * Liberty's basicRegistry (src/test/liberty/server.xml).
 */
class AdminAuthIT extends DeployedParley {

    @Test
    void onlyTheRoleChatAdminGetsIn() {
        HttpResponse<String> anonymous = AdminApi.anonymous(base).get("stats");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "));

        assertEquals(
                401,
                AdminApi.basic(base, RealmUsers.ADMIN, "wrong").get("stats").statusCode());
        assertEquals(
                403,
                AdminApi.basic(base, RealmUsers.CHATTER, RealmUsers.CHATTER_PASSWORD)
                        .get("stats")
                        .statusCode());

        AdminApi admin = AdminApi.admin(base);
        JsonObject stats = admin.object(admin.get("stats"));
        assertTrue(stats.containsKey("connections"), stats.toString());

        try (ChatClient listener = ChatClient.open(base, unique("listener"))) {
            String text = "smoke " + unique("n");
            admin.ok(admin.post("announce", json("text", text)));
            listener.await(
                    frame -> "notice".equals(frame.getString("type", null))
                            && text.equals(frame.getString("text", null)),
                    "the announcement");
        }
    }
}
