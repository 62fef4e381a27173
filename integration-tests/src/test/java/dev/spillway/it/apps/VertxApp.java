package dev.spillway.it.apps;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;

/**
 * Vert.x 5 running blocking code the way its applications do, {@code executeBlocking} from a
 * verticle, on its worker pool ({@code vert.x-worker-thread}, 20 threads). Commands:
 * <ul>
 *   <li>{@code hold}: from one verticle, 12 ordered blocking calls (Vert.x's default: they run one
 *   at a time, the others waiting in the verticle's task queue) and 3 unordered ones, all waiting
 *   for {@code release}; prints {@code HELD} once 1 ordered and the 3 unordered run
 *   <li>{@code release}: lets them finish; prints {@code DONE} when all 15 have
 * </ul>
 */
public final class VertxApp {

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(4);
    CountDownLatch done = new CountDownLatch(15);
    Scenario.say("READY");
    while (true) {
      switch (Scenario.next()) {
        case "hold":
          vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
              for (int i = 0; i < 12; i++) {
                vertx.executeBlocking(() -> held(running, release, done), true);
              }
              for (int i = 0; i < 3; i++) {
                vertx.executeBlocking(() -> held(running, release, done), false);
              }
            }
          });
          running.await();
          Scenario.say("HELD");
          break;
        case "release":
          release.countDown();
          done.await();
          Scenario.say("DONE");
          break;
        case "exit":
          vertx.close().await();
          return;
        default:
          Scenario.say("UNKNOWN");
      }
    }
  }

  private static int held(CountDownLatch running, CountDownLatch release, CountDownLatch done)
      throws InterruptedException {
    running.countDown();
    release.await();
    done.countDown();
    return 1;
  }
}
