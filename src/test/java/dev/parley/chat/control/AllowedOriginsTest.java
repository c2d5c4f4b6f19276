package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Closing;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Handshake;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    AllowedOrigins cut = allowing("https://chat.example.org");

    static AllowedOrigins allowing(String... origins) {
        AllowedOrigins allowed = new AllowedOrigins();
        allowed.allowed = List.of(origins);
        return allowed;
    }

    @Test
    void onlyLoopbackAndPinnedOriginsMayConnectWhateverTheHostHeaderSays() {
        assertTrue(cut.allowed(null), "no Origin: not a browser");
        assertTrue(cut.allowed("http://localhost:8080"));
        assertTrue(cut.allowed("http://127.0.0.1:8080"));
        assertTrue(cut.allowed("http://[::1]:8080"));
        assertTrue(cut.allowed("https://Chat.Example.org"), "pinned, in any case");
        assertTrue(cut.allowed("https://chat.example.org:443/"), "pinned, with its default port written");
        assertFalse(cut.allowed("http://chat.example.org"), "pinned with https, not http");
        assertFalse(cut.allowed("https://chat.example.org:8443"), "pinned on 443 only");
        assertFalse(cut.allowed("https://example.com"), "a page of the Host's own name is not enough");
        assertFalse(cut.allowed("http://evil.example"));
        assertFalse(cut.allowed("http://localhost.evil.example"));
        assertFalse(cut.allowed("http://127.0.0.1.evil.example"));
        assertFalse(cut.allowed("null"));
        assertFalse(cut.allowed("file://"));
    }

    /** DNS rebinding: the attacker's name, resolved to this server, is both the page's origin and the Host. */
    @Test
    void aReboundPageIsRefusedWithOriginRefused() {
        Handshake rebound = new Handshake(null, "alice", null, "http://attacker.example:8080", "attacker.example:8080");
        Users.Refused refused = allowing().refusal(rebound);
        assertEquals(ErrorCode.ORIGIN_REFUSED, refused.code());
        assertEquals(Closing.ORIGIN_REFUSED, refused.closing());
        assertNull(allowing().refusal(new Handshake(null, "alice", null, "http://localhost:8080", "localhost:8080")));
    }

    @Test
    void aStarAllowsEveryOriginAndAnEntryThatIsNoOriginAllowsNothing() {
        assertTrue(allowing("*").allowed("http://attacker.example:8080"));
        assertFalse(allowing("chat.example.org").allowed("https://chat.example.org"));
    }
}
