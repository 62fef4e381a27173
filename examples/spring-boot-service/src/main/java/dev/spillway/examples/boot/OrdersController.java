package dev.spillway.examples.boot;

import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * {@code GET /orders/{id}} reads the database; {@code GET /orders/{id}/quote} also asks the
 * downstream pricing service; {@code POST /orders/{id}/reservation} asks it inside a transaction.
 */
@RestController
class OrdersController {

  private final JdbcTemplate database;
  private final Reservations reservations;
  private final RestClient pricing;

  OrdersController(JdbcTemplate database, Reservations reservations, RestClient.Builder clients,
      @Value("${pricing.url:http://localhost:9090}") String pricingUrl) {
    this.database = database;
    this.reservations = reservations;
    this.pricing = clients.baseUrl(pricingUrl).build();
  }

  @GetMapping("/orders/{id}")
  Map<String, Object> order(@PathVariable("id") long id) {
    return database.queryForMap("select id, item, quantity from orders where id = ?", id);
  }

  @GetMapping("/orders/{id}/quote")
  String quote(@PathVariable("id") long id) {
    Map<String, Object> order = order(id);
    String price = pricing.get().uri("/price?item={item}", order.get("ITEM")).retrieve().body(String.class);
    return order.get("ITEM") + " x" + order.get("QUANTITY") + " at " + price;
  }

  @PostMapping("/orders/{id}/reservation")
  String reserve(@PathVariable("id") long id) {
    return reservations.reserve(id, pricing);
  }
}
