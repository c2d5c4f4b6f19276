/**
 * Administration's faces: the MXBean {@code dev.parley:type=ChatAdmin} for JConsole and the other JMX consoles, the
 * REST API under {@code /api/admin} (role {@code chat-admin}, Basic for scripts, the FORM login's session plus a
 * CSRF header for the admin page) and the gate that authenticates and authorises it.
 */
package dev.parley.admin.boundary;
