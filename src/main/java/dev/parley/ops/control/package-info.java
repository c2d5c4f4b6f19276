/**
 * Operational checks: {@link dev.parley.ops.control.DatabaseProbe} asks the database a real question for
 * {@code /api/health}.
 */
package dev.parley.ops.control;
