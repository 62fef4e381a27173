package dev.spillway.examples.boot;

import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /orders/{id}} reads the database; {@code GET /orders/{id}/quote} also asks the
 * downstream pricing service; {@code POST /orders/{id}/reservation} asks it inside a transaction.
 */
@RestController
class OrdersController {

  private final JdbcTemplate database;
  private final Reservations reservations;
  private final Pricing pricing;

  OrdersController(JdbcTemplate database, Reservations reservations, Pricing pricing) {
    this.database = database;
    this.reservations = reservations;
    this.pricing = pricing;
  }

  @GetMapping("/orders/{id}")
  Map<String, Object> order(@PathVariable("id") long id) {
    return database.queryForMap("select id, item, quantity from orders where id = ?", id);
  }

  @GetMapping("/orders/{id}/quote")
  String quote(@PathVariable("id") long id) {
    Map<String, Object> order = order(id);
    return order.get("ITEM") + " x" + order.get("QUANTITY") + " at " + pricing.priceOf(order.get("ITEM"));
  }

  @PostMapping("/orders/{id}/reservation")
  String reserve(@PathVariable("id") long id) {
    return reservations.reserve(id);
  }
}
