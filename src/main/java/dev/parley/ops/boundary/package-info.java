/**
 * The operator's HTTP face under {@code /api}: {@code GET /api/health} (up, and the database answers) and
 * {@code GET /api/metrics} in the Prometheus text exposition format.
 */
package dev.parley.ops.boundary;
