package com.acme.orders.web;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

class OrderControllerTest {

    private static final Logger LOG = LogManager.getLogger(OrderControllerTest.class);

    @Test
    void findsOrder() {
        LOG.info("test run");
    }
}
