package dev.parley.web.boundary;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityHeadersTest {

    SecurityHeaders cut = new SecurityHeaders();

    @Test
    void everyResponseGetsTheHeadersBeforeThePageIsWritten() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setHeader")) {
                        headers.put((String) args[0], (String) args[1]);
                    }
                    return null;
                });
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> null);
        Map<String, String> seenByThePage = new LinkedHashMap<>();

        cut.doFilter(request, response, (req, res) -> seenByThePage.putAll(headers));

        String policy = seenByThePage.get("Content-Security-Policy");
        assertAll(
                () -> assertTrue(policy.contains("script-src 'self'"), policy),
                () -> assertTrue(policy.contains("style-src 'self'"), policy),
                () -> assertTrue(policy.contains("frame-ancestors 'none'"), policy),
                () -> assertFalse(policy.contains("unsafe-inline"), policy),
                () -> assertEquals("DENY", seenByThePage.get("X-Frame-Options")),
                () -> assertEquals("no-referrer", seenByThePage.get("Referrer-Policy")),
                () -> assertEquals("nosniff", seenByThePage.get("X-Content-Type-Options")));
    }
}
