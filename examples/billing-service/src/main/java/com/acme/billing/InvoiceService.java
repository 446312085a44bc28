package com.acme.billing;

import com.acme.logging.AuditLog;

public class InvoiceService {

    public void issue(String customer) {
        AuditLog.record(customer, "invoice.issue");
    }
}
