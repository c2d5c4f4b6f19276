/**
 * Administration logic: {@link dev.parley.admin.control.Administration} performs every operator action (store,
 * effect on the wire, timer, audit) for both the REST API and the MXBean; the stores keep restrictions and the audit
 * trail in their own transactions.
 */
package dev.parley.admin.control;
