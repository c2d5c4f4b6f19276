package dev.parley.admin.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A ban of a user, by its key ({@code g:bob} the guest, {@code a:bob} the account: see chat's {@code Identity}), or of
 * a remote address.
 */
@Entity
@Table(name = "parley_ban")
public class Ban {

    public static final String USER = "user";
    public static final String ADDRESS = "address";

    @Id
    @Column(name = "id", length = 300)
    private String id;

    @Column(name = "kind", nullable = false, length = 16)
    private String kind;

    @Column(name = "subject", nullable = false)
    private String subject;

    @Column(name = "until_at", nullable = false)
    private long until;

    @Column(name = "reason", length = 1000)
    private String reason;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    protected Ban() {}

    public Ban(String kind, String subject, long until, String reason, long createdAt, String createdBy) {
        this.id = idOf(kind, subject);
        this.kind = kind;
        this.subject = subject;
        this.until = until;
        this.reason = reason;
        this.createdAt = createdAt;
        this.createdBy = createdBy;
    }

    public static String idOf(String kind, String subject) {
        return kind + ":" + subject;
    }

    public String kind() {
        return kind;
    }

    public String subject() {
        return subject;
    }

    public long until() {
        return until;
    }

    public String reason() {
        return reason;
    }

    public BanView view() {
        return new BanView(kind, subject, until, reason, createdAt, createdBy);
    }
}
