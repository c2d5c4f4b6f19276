/**
 * The {@code parley.*} settings: system property, then environment variable, then default. Each component reads
 * its own settings once, at startup, into a record of its limits.
 */
package dev.parley.settings;
