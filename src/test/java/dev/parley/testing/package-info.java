/**
 * Test support shared by the endpoint and integration tests: the Arquillian deployment built from the real
 * {@code parley.war}, a WebSocket test client, and a WildFly process the crash tests start and SIGKILL themselves.
 */
package dev.parley.testing;
