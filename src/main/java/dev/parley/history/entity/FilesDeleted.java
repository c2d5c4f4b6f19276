package dev.parley.history.entity;

import java.util.List;

/**
 * Files whose rows a transaction deleted (with their message, their room, or unposted): what keeps their bytes
 * outside the database removes them once that transaction has committed, and not if it rolled back.
 */
public record FilesDeleted(List<String> ids) {

    public FilesDeleted {
        ids = List.copyOf(ids);
    }
}
