/** What history stores: rooms with their seq counter, and messages. The schema is {@code db/schema.sql}. */
package dev.parley.history.entity;
