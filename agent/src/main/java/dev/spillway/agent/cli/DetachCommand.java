package dev.spillway.agent.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code spillway detach <pid>}: takes the agent out of a running JVM. */
final class DetachCommand implements Command {

  @Override
  public String name() {
    return "detach";
  }

  @Override
  public String usage() {
    return "detach <pid>";
  }

  @Override
  public String summary() {
    return "Takes Spillway out of a running JVM.";
  }

  @Override
  public String help() {
    return "Undoes the agent in that JVM: every rewritten class gets its original bytecode back,\n"
        + "metrics are flushed one last time and export stops, the agent's threads and MBeans go.\n"
        + "The application runs on as before. It can be attached again later.";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws CliException {
    long pid = Command.pid(args, this);
    try (TargetJvm target = TargetJvm.attach(pid)) {
      out.println("pid " + pid + ": " + target.agent().detach());
    }
    return 0;
  }
}
