/**
 * Test support shared by the endpoint and integration tests: the Arquillian deployment built from the real
 * {@code parley.war}, a WebSocket test client, a WildFly process the crash tests start and SIGKILL themselves, the
 * chat page in a headless Chromium, and a TCP proxy a test cuts to drop a browser's connection.
 */
package dev.parley.testing;
