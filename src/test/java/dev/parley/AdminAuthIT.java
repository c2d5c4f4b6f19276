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
import java.net.http.HttpRequest;
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

    /**
     * A browser that showed its own login dialog for the API keeps the Basic credentials and sends them with any
     * request to Parley, another site's form too: a mutating call needs a proof that no other site sent it.
     */
    @Test
    void aMutatingBasicCallWithoutSameOriginProofIsRefused() {
        String room = unique("csrf");
        AdminApi script = AdminApi.admin(base);
        script.ok(script.post("rooms", json("room", room)));

        AdminApi cachedByBrowser = AdminApi.basicWithoutProof(base, RealmUsers.ADMIN, RealmUsers.ADMIN_PASSWORD);
        assertEquals(200, cachedByBrowser.get("stats").statusCode(), "reading needs no proof");
        assertEquals(
                403,
                cachedByBrowser
                        .post("rooms/" + room + "/close", json("reason", "csrf"))
                        .statusCode());
        // what another site's <form method=post> sends: no body, or a form body, and Sec-Fetch-Site cross-site
        assertEquals(
                403,
                cachedByBrowser
                        .send("POST", "api/admin/rooms/" + room + "/reopen", null)
                        .statusCode());
        HttpResponse<String> crossSiteForm = cachedByBrowser.send(
                HttpRequest.newBuilder(java.net.URI.create(base + "api/admin/rooms/" + room + "/close"))
                        .header("Sec-Fetch-Site", "cross-site")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("reason=csrf")));
        assertEquals(403, crossSiteForm.statusCode());
        assertEquals(false, roomClosed(script, room), "a refused call closed the room");

        HttpResponse<String> sameOrigin = cachedByBrowser.send(
                HttpRequest.newBuilder(java.net.URI.create(base + "api/admin/rooms/" + room + "/close"))
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json("reason", "same origin"))));
        assertEquals(204, sameOrigin.statusCode(), sameOrigin.body());
        assertEquals(true, roomClosed(script, room));
        assertEquals(204, script.post("rooms/" + room + "/reopen", null).statusCode(), "a script with the header");
        assertEquals(false, roomClosed(script, room));
    }

    private static boolean roomClosed(AdminApi admin, String room) {
        return admin.array(admin.get("rooms?query=" + room)).stream()
                .map(jakarta.json.JsonValue::asJsonObject)
                .filter(info -> room.equals(info.getString("name")))
                .findFirst()
                .orElseThrow()
                .getBoolean("closed");
    }
}
