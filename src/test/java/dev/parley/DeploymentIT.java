package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.Deployments;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeploymentIT {

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void rootPageIsServed() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.toURI().resolve("/"))
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response::body);
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
}
