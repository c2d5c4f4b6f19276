/**
 * Logins and their HTTP sessions: how many failed logins one address may make ({@link dev.parley.web.control.LoginThrottle})
 * and how long a login's session lives.
 */
package dev.parley.web.control;
