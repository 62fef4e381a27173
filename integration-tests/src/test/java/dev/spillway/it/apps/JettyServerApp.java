package dev.spillway.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An embedded Jetty 12 (jetty-server on the class path) on a {@code QueuedThreadPool} named
 * {@code http-worker}: 4 threads (one acceptor and one selector take two for good), no reserved
 * threads, a job queue of 2. {@code GET /slow} holds its thread until the test sends
 * {@code release <n>} (prints {@code IN_SLOW <n>} on entry); {@code GET /fast} answers at once.
 * Argument: the port.
 */
public final class JettyServerApp {

  public static void main(String[] args) throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(4, 4, 60_000, 0, new ArrayBlockingQueue<>(2), null);
    pool.setName("http-worker");
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        if (Request.getPathInContext(request).equals("/slow")) {
          HeldRequests.hold();
          Content.Sink.write(response, true, "slow done", callback);
        } else {
          Content.Sink.write(response, true, "fast done", callback);
        }
        return true;
      }
    });
    server.start();
    Scenario.say("READY port=" + connector.getLocalPort());
    HeldRequests.serveCommands(server::stop, command -> false);
  }
}
