package dev.spillway.it.apps;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import javax.management.Attribute;
import javax.management.ObjectName;
import org.xnio.Options;

/**
 * An embedded Undertow 2.3 (undertow-core, XNIO and JBoss Threads on the class path) on its own
 * worker pool, the {@code EnhancedQueueExecutor} XNIO builds: worker name {@code http-worker}
 * (threads {@code http-worker task-N}), 2 worker threads, one I/O thread, an unlimited queue as
 * Undertow has by default. Every request is dispatched to the worker pool: {@code GET /slow}
 * holds its worker until the test sends {@code release <n>} (prints {@code IN_SLOW <n>} on
 * entry); {@code GET /fast} answers at once. {@code queue-limit <n>} sets the pool's queue limit
 * through its own MBean, as an operator would ({@code QUEUE_LIMIT <n>} when done). Argument: the
 * port.
 */
public final class UndertowServerApp {

  public static void main(String[] args) throws Exception {
    HttpHandler handler = new HttpHandler() {
      @Override
      public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        if (exchange.getRequestPath().equals("/slow")) {
          HeldRequests.hold();
          exchange.getResponseSender().send("slow done");
        } else {
          exchange.getResponseSender().send("fast done");
        }
      }
    };
    Undertow server = Undertow.builder()
        .addHttpListener(Integer.parseInt(args[0]), "127.0.0.1")
        .setIoThreads(1)
        .setWorkerThreads(2)
        .setWorkerOption(Options.WORKER_NAME, "http-worker")
        .setHandler(handler)
        .build();
    server.start();
    Scenario.say("READY port=" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort());
    HeldRequests.serveCommands(server::stop, command -> {
      if (!command[0].equals("queue-limit")) {
        return false;
      }
      ManagementFactory.getPlatformMBeanServer().setAttribute(
          new ObjectName("jboss.threads:type=thread-pool,name=" + ObjectName.quote("http-worker")),
          new Attribute("MaximumQueueSize", Integer.parseInt(command[1])));
      Scenario.say("QUEUE_LIMIT " + command[1]);
      return true;
    });
  }
}
