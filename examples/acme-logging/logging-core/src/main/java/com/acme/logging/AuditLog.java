package com.acme.logging;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The organisation's audit logging library: services call record(); it logs through log4j. */
public class AuditLog {

    protected static final Logger LOG = LogManager.getLogger(AuditLog.class);

    public static void record(String actor, String action) {
        LOG.info("audit actor={} action={}", actor, action);
    }
}
