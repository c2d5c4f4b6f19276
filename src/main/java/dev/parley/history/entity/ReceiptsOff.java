package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A logged-in user who turned read receipts off: sends none and sees none, on every device. */
@Entity
@Table(name = "parley_receipts_off")
public class ReceiptsOff {

    @Id
    @Column(name = "user_key", length = 255)
    private String userKey;

    @Column(name = "since", nullable = false)
    private long since;

    protected ReceiptsOff() {}

    public ReceiptsOff(String userKey, long since) {
        this.userKey = userKey;
        this.since = since;
    }
}
