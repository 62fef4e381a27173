package dev.spillway.agent.cli;

import dev.spillway.agent.status.AgentMXBean;
import dev.spillway.agent.status.TargetStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code spillway top <pid>}: the status table, refreshed, with rates per second. */
final class TopCommand implements Command {

  @Override
  public String name() {
    return "top";
  }

  @Override
  public String usage() {
    return "top <pid> [--interval SECONDS] [--count N]";
  }

  @Override
  public String summary() {
    return "The status table, refreshed live with rates per second.";
  }

  @Override
  public String help() {
    return "Like status, redrawn every interval (2 s by default), with rejections, sheds and\n"
        + "completions (tasks run, items taken, connections handed out) per second since the last\n"
        + "frame. q or Ctrl-C quits and leaves the terminal as it was. --count N stops after N frames\n"
        + "(without a terminal, frames are printed one after another).";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws CliException {
    long pid = Command.pid(args, this);
    long intervalMillis = (long) (1000 * doubleOption(args, "--interval", 2));
    long frames = (long) doubleOption(args, "--count", Long.MAX_VALUE);
    try (TargetJvm target = TargetJvm.attach(pid); Terminal terminal = Terminal.open(out, System.in)) {
      AgentMXBean agent = target.agent();
      Map<String, long[]> previous = new HashMap<>();
      long previousAt = 0;
      for (long frame = 0; frame < frames; frame++) {
        List<TargetStatus> rows = agent.getTargets();
        long now = System.nanoTime();
        Map<String, double[]> rates = new HashMap<>();
        Map<String, long[]> counts = new HashMap<>();
        for (TargetStatus row : rows) {
          long[] current = {row.getRejected(), row.getShed(), row.getCompleted()};
          counts.put(StatusTable.key(row), current);
          long[] before = previous.get(StatusTable.key(row));
          double seconds = (now - previousAt) / 1e9;
          if (before != null && seconds > 0) {
            rates.put(StatusTable.key(row), new double[] {
                (current[0] - before[0]) / seconds, (current[1] - before[1]) / seconds,
                (current[2] - before[2]) / seconds});
          }
        }
        previous = counts;
        previousAt = now;
        terminal.draw("spillway top - pid " + pid + " - " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
            + " - every " + intervalMillis / 1000.0 + " s" + (terminal.interactive() ? " - q quits" : "") + "\n\n"
            + StatusTable.render(rows, rates));
        if (frame + 1 < frames) {
          int key = terminal.readKey(intervalMillis);
          if (key == 'q' || key == 'Q') {
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new CliException("terminal: " + TargetJvm.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static double doubleOption(List<String> args, String name, double defaultValue) throws CliException {
    int at = args.indexOf(name);
    if (at < 0) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(args.get(at + 1));
      if (value <= 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (IndexOutOfBoundsException | NumberFormatException e) {
      throw new CliException(name + " needs a number above 0");
    }
  }
}
