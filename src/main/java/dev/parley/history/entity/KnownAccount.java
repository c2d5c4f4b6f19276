package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An account that has logged in at least once: its case-folded name is reserved for it from then on. */
@Entity
@Table(name = "parley_account")
public class KnownAccount {

    @Id
    @Column(name = "name_key", length = 255)
    private String name;

    @Column(name = "first_login_at", nullable = false)
    private long firstLoginAt;

    protected KnownAccount() {}

    public KnownAccount(String name, long firstLoginAt) {
        this.name = name;
        this.firstLoginAt = firstLoginAt;
    }

    public String name() {
        return name;
    }
}
