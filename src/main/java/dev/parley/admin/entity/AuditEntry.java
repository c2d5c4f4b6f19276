package dev.parley.admin.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One administrative action: who (the principal, {@code jmx} for JMX), what, on what, why and when. */
@Entity
@Table(name = "parley_audit")
public class AuditEntry {

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "acted_at", nullable = false)
    private long actedAt;

    @Column(name = "actor", nullable = false)
    private String actor;

    @Column(name = "action", nullable = false, length = 32)
    private String action;

    @Column(name = "target", length = 300)
    private String target;

    @Column(name = "reason", length = 1000)
    private String reason;

    protected AuditEntry() {}

    public AuditEntry(String id, long actedAt, String actor, String action, String target, String reason) {
        this.id = id;
        this.actedAt = actedAt;
        this.actor = actor;
        this.action = action;
        this.target = target;
        this.reason = reason;
    }

    public AuditView view() {
        return new AuditView(id, actedAt, actor, action, target, reason);
    }
}
