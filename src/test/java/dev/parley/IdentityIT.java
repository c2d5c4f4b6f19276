package dev.parley;

import static dev.parley.ProtocolIT.assertError;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.FormLogin;
import dev.parley.testing.RealmUsers;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Guests and accounts are different users on the real server: a user of the server's realm (RealmUsers.CHATTER:
 * WildFly's add-user.sh, Liberty's basicRegistry) logs in with the FORM login, chats and leaves; while it is
 * offline, a guest asking for its name is refused with {@code name_taken} (4003), where before a guest could take
 * the name and post, mute and be banned as that user. A guest's message says {@code guest: true}, an account's
 * does not.
 */
class IdentityIT extends DeployedParley {

    static final String ACCOUNT = RealmUsers.CHATTER;

    @Test
    void aGuestCannotTakeTheNameOfALoggedInUserWhileItIsOffline() throws Exception {
        FormLogin login = FormLogin.as(base.toURI(), ACCOUNT, RealmUsers.CHATTER_PASSWORD);
        assertTrue(login.succeeded, "the FORM login of " + ACCOUNT + " failed");
        String room = unique("identity");
        try (ChatClient watcher = ChatClient.open(base, unique("watcher"))) {
            watcher.join(room);
            try (ChatClient account = ChatClient.welcomed(
                    ChatClient.connect(ChatClient.chatUri(base, ""), Map.of("Cookie", login.cookies())))) {
                JsonObject welcome = account.welcome();
                assertEquals(ACCOUNT, welcome.getString("user"), welcome::toString);
                assertTrue(
                        welcome.getJsonArray("features").getValuesAs(JsonString.class).stream()
                                .anyMatch(feature -> "guest".equals(feature.getString())),
                        welcome::toString);
                account.join(room);

                JsonObject fromAccount = account.post(room, "from the account");
                assertFalse(fromAccount.containsKey("guest"), fromAccount::toString);
                JsonObject fromGuest = watcher.post(room, "from a guest");
                assertTrue(fromGuest.getBoolean("guest"), fromGuest::toString);
            }
            watcher.await(
                    frame -> "presence".equals(frame.getString("type", null))
                            && frame.containsKey("left")
                            && frame.getJsonArray("left").getValuesAs(JsonString.class).stream()
                                    .anyMatch(left -> ACCOUNT.equals(left.getString())),
                    ACCOUNT + " shown as left: the account is offline");
        }

        try (ChatClient impostor =
                ChatClient.connect(ChatClient.chatUri(base, "name=" + ACCOUNT.toUpperCase(Locale.ROOT)))) {
            assertError(impostor.next(), "name_taken", null);
            assertEquals(4003, impostor.awaitClose());
        }
    }
}
