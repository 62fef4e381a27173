package dev.spillway.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whole-process throughput of a worker-bound executor: two producers, one worker, tiny tasks, the
 * producers waiting while 1,024 tasks are in flight. The executor is built on the first line of
 * {@code main}, so that its worker starts before anything else happens. Compared in one run,
 * interleaved: no agent; {@code -javaagent}; and no agent at start, attached to itself while the
 * worker runs, as an operator would attach to a busy service. Reports the median tasks per second
 * of each run's one-second windows before the attach (1-4 s) and after it (7-12 s).
 *
 * <pre>java -cp ... dev.spillway.bench.WorkerBoundBenchmark [runs]</pre>
 */
public final class WorkerBoundBenchmark {

  private static final int SECONDS = 12;
  private static final int ATTACH_AT = 4;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child(args.length > 1 ? args[1] : null);
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String agent = new File(System.getProperty("spillway.agent.jar")).getAbsolutePath();
    String[] names = {"no agent", "-javaagent", "attached at 4 s"};
    List<List<Double>> before = new ArrayList<>();
    List<List<Double>> after = new ArrayList<>();
    for (int c = 0; c < names.length; c++) {
      before.add(new ArrayList<>());
      after.add(new ArrayList<>());
    }
    for (int i = 0; i < runs; i++) {
      for (int c = 0; c < names.length; c++) {
        double[] perSecond = run(c, agent);
        before.get(c).add(median(perSecond, 1, ATTACH_AT));
        after.get(c).add(median(perSecond, ATTACH_AT + 3, SECONDS));
      }
    }
    double base = median(before.get(0));
    System.out.println();
    System.out.println("Worker-bound executor, " + runs + " interleaved runs, median M tasks/s (× no agent):");
    System.out.println("| configuration | 1-4 s | 7-12 s |");
    System.out.println("|---|---|---|");
    for (int c = 0; c < names.length; c++) {
      double b = median(before.get(c));
      double a = median(after.get(c));
      System.out.println(String.format(Locale.ROOT, "| %s | %.2f (×%.2f) | %.2f (×%.2f) |",
          names[c], b / 1e6, b / base, a / 1e6, a / median(after.get(0))));
    }
  }

  private static double[] run(int configuration, String agent) throws Exception {
    List<String> options = configuration == 1 ? List.of("-javaagent:" + agent)
        : configuration == 2 ? List.of("-Djdk.attach.allowAttachSelf=true") : List.of();
    String[] args = configuration == 2 ? new String[] {agent} : new String[0];
    double[] perSecond = new double[SECONDS];
    ChildJvm.run(ChildJvm.command(options, WorkerBoundBenchmark.class, args), "second ", line -> {
      String[] parts = line.split(" ");
      perSecond[Integer.parseInt(parts[0])] = Double.parseDouble(parts[1]);
    });
    return perSecond;
  }

  /** The measured program: prints "second N tasks" for each second. */
  private static void child(String attachJar) throws Exception {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), runnable -> new Thread(runnable, "bound-worker"));
    Semaphore inFlight = new Semaphore(1024);
    LongAdder done = new LongAdder();
    Runnable task = () -> {
      done.increment();
      inFlight.release();
    };
    for (int p = 0; p < 2; p++) {
      Thread producer = new Thread(() -> {
        while (true) {
          inFlight.acquireUninterruptibly();
          pool.execute(task);
        }
      }, "producer-" + p);
      producer.setDaemon(true);
      producer.start();
    }
    long last = 0;
    for (int second = 0; second < SECONDS; second++) {
      if (second == ATTACH_AT && attachJar != null) {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
          vm.loadAgent(attachJar, "");
        } finally {
          vm.detach();
        }
      }
      Thread.sleep(1000);
      long now = done.sum();
      System.out.println("second " + second + " " + (now - last));
      last = now;
    }
    System.exit(0);
  }

  private static double median(double[] values, int from, int to) {
    List<Double> window = new ArrayList<>();
    for (int i = from; i < to; i++) {
      window.add(values[i]);
    }
    return median(window);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
