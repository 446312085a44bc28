/*
 * Modelled on a Spring Boot REST controller (spring-projects/spring-petclinic layout).
 */
package com.acme.orders.web;

import java.util.Optional;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import com.acme.orders.Order;
import com.acme.orders.OrderRepository;

@RestController
public class OrderController {

    private static final Logger LOG = LogManager.getLogger(OrderController.class);

    private final OrderRepository orders;

    public OrderController(OrderRepository orders) {
        this.orders = orders;
        LOG.info("OrderController ready");
    }

    @GetMapping("/orders/{id}")
    public ResponseEntity<Order> find(@PathVariable String id,
                                      @RequestHeader("User-Agent") String userAgent) {
        LOG.info("Order {} requested by {}", id, userAgent);
        Optional<Order> order = orders.findById(id);
        if (order.isEmpty()) {
            LOG.atWarn().log("Order " + id + " not found");
            return ResponseEntity.notFound().build();
        }
        LOG.debug("found");
        return ResponseEntity.ok(order.get());
    }

    void audit(Logger logger, String who) {
        String LOG = who;  // a local String shadows the field: not a logging call below
        LOG.trim();
        logger.error(who);
    }
}
