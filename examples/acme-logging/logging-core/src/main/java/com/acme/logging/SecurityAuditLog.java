package com.acme.logging;

/** Inherits LOG from AuditLog (another file): calls on it are resolved across the two files. */
public class SecurityAuditLog extends AuditLog {

    public void denied(String user) {
        LOG.warn("access denied for " + user);
    }
}
