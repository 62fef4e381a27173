package dev.spillway.examples.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** The downstream pricing service ({@code pricing.url}), over HTTP. */
@Component
class Pricing {

  private final RestClient client;

  Pricing(RestClient.Builder clients, @Value("${pricing.url:http://localhost:9090}") String url) {
    this.client = clients.baseUrl(url).build();
  }

  /** Today's price of {@code item}, as the pricing service answers it. */
  String priceOf(Object item) {
    return client.get().uri("/price?item={item}", item).retrieve().body(String.class);
  }
}
