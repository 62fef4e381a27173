package dev.spillway.examples.boot;

import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.client.RestClient;

/**
 * Reserves an order at the price of the day, in one transaction: the order's row is locked, then
 * the pricing service is asked. The transaction keeps its database connection for as long as the
 * pricing service takes to answer, the common way a slow dependency empties a connection pool.
 */
@Service
class Reservations {

  private final JdbcTemplate database;

  Reservations(JdbcTemplate database) {
    this.database = database;
  }

  @Transactional
  public String reserve(long id, RestClient pricing) {
    Map<String, Object> order = database.queryForMap("select id, item, quantity from orders where id = ? for update", id);
    String price = pricing.get().uri("/price?item={item}", order.get("ITEM")).retrieve().body(String.class);
    return "reserved " + order.get("ITEM") + " x" + order.get("QUANTITY") + " at " + price;
  }
}
