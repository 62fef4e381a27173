package dev.spillway.it.apps;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat (tomcat-embed-core on the class path; compiled against 10.1, runs on 11 too)
 * with its connector's own executor, as Spring Boot builds it. Arguments: port, maxThreads,
 * maxQueueSize. {@code GET /slow} holds its worker thread until the test sends {@code release}
 * (prints {@code IN_SLOW <n>} on entry); {@code GET /fast} answers at once; {@code GET /async}
 * starts an async task ({@code AsyncContext.start}, which Tomcat queues on the connector's
 * executor) and keeps its worker {@value #ASYNC_HOLD_MILLIS} ms more, then the task writes
 * {@code async done}. Commands: {@code release <n>} lets n held requests finish; {@code exit}.
 */
public final class TomcatServerApp {

  public static final long ASYNC_HOLD_MILLIS = 400;
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/tomcat-" + ProcessHandle.current().pid());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(port);
    connector.setProperty("maxThreads", args[1]);
    connector.setProperty("minSpareThreads", args[1]);
    connector.setProperty("maxQueueSize", args[2]);
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "slow", new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HeldRequests.hold();
        resp.getWriter().write("slow done");
      }
    });
    context.addServletMappingDecoded("/slow", "slow");
    Tomcat.addServlet(context, "fast", new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().write("fast done");
      }
    });
    context.addServletMappingDecoded("/fast", "fast");
    Wrapper async = Tomcat.addServlet(context, "async", new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        AsyncContext started = req.startAsync();
        started.start(() -> {
          try {
            started.getResponse().getWriter().write("async done");
          } catch (IOException e) {
            Scenario.say("ASYNC_FAILED " + e);
          }
          started.complete();
        });
        try {
          Thread.sleep(ASYNC_HOLD_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    async.setAsyncSupported(true);
    context.addServletMappingDecoded("/async", "async");
    tomcat.start();
    Scenario.say("READY port=" + connector.getLocalPort());
    HeldRequests.serveCommands(() -> {
      tomcat.stop();
      tomcat.destroy();
    }, command -> false);
  }
}
