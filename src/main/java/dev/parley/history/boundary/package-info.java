/**
 * The face of history: {@link dev.parley.history.boundary.MessageArchive} observes chat's
 * {@code MessagePosted}, stores each message in its own transaction and answers history queries.
 */
package dev.parley.history.boundary;
