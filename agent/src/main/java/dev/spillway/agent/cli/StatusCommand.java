package dev.spillway.agent.cli;

import dev.spillway.agent.status.TargetStatus;
import java.io.PrintStream;
import java.util.List;

/** {@code spillway status <pid> [--json]}: one look at every tracked target, fullest first. */
final class StatusCommand implements Command {

  @Override
  public String name() {
    return "status";
  }

  @Override
  public String usage() {
    return "status <pid> [--json]";
  }

  @Override
  public String summary() {
    return "Shows every executor, queue and pool of a JVM, fullest first.";
  }

  @Override
  public String help() {
    return "One table of every executor, queue and pool Spillway tracks in that JVM, sorted by\n"
        + "saturation (the fuller of queue and threads or connections), most saturated first:\n"
        + "  DEPTH/CAP   items waiting / capacity (∞: unbounded)\n"
        + "  ACTIVE/MAX  threads running tasks, or connections in use / most allowed\n"
        + "  SAT         the fuller of the two; a pool's counts waiting requests too (over 100%: more\n"
        + "              requests than the pool holds)\n"
        + "  REJECTED    refused since the agent started (by the target or by a rule), not expected\n"
        + "              refusals: hand-offs that found no taker, discards by design; SHED: by a rule\n"
        + "  WAIT P99    99th percentile of the wait over the last 30 to 60 s (an upper bound)\n"
        + "  RULES       shedding rules active on it now\n"
        + "--json prints the same as a JSON array, for scripts (null for what is unknown).";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws CliException {
    long pid = Command.pid(args, this);
    boolean json = args.contains("--json");
    try (TargetJvm target = TargetJvm.attach(pid)) {
      List<TargetStatus> rows = target.agent().getTargets();
      out.print(json ? StatusTable.json(rows) + "\n" : StatusTable.render(rows, null));
    }
    return 0;
  }
}
