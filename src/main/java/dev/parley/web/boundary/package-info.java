/**
 * The web page's face: the chat page itself is static (HTML, CSS and JavaScript modules in the WAR's root);
 * {@link dev.parley.web.boundary.SecurityHeaders} gives every response the headers that keep it from being framed,
 * sniffed or injected into.
 */
package dev.parley.web.boundary;
