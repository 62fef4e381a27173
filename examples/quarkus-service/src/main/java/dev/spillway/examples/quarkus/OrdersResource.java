package dev.spillway.examples.quarkus;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The service's endpoint: a quote asks a pricing service ({@code pricing.url}, a system property)
 * for the price. It returns a plain value, so Quarkus runs it on its worker pool, where a slow
 * pricing service holds the workers and the requests after them queue.
 */
@Path("/orders")
public class OrdersResource {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String PRICING = System.getProperty("pricing.url", "http://localhost:9090");

  @GET
  @Path("/{id}/quote")
  public String quote(@PathParam("id") int id) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(PRICING + "/price?item=kettle")).build();
    String price = CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body().trim();
    return "order " + id + ": kettle x2 at " + price + "\n";
  }
}
