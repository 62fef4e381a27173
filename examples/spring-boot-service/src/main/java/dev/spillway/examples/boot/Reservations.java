package dev.spillway.examples.boot;

import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reserves an order at the price of the day, in one transaction: the order's row is locked, then
 * the pricing service is asked. The transaction keeps its database connection for as long as the
 * pricing service takes to answer, the common way a slow dependency empties a connection pool.
 */
@Service
class Reservations {

  private final JdbcTemplate database;
  private final Pricing pricing;

  Reservations(JdbcTemplate database, Pricing pricing) {
    this.database = database;
    this.pricing = pricing;
  }

  @Transactional
  public String reserve(long id) {
    Map<String, Object> order = database.queryForMap(
        "select id, item, quantity from orders where id = ? for update", id);
    return "reserved " + order.get("ITEM") + " x" + order.get("QUANTITY") + " at " + pricing.priceOf(order.get("ITEM"));
  }
}
