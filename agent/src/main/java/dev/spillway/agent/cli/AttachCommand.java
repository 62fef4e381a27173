package dev.spillway.agent.cli;

import java.io.File;
import java.io.PrintStream;
import java.util.List;

/** {@code spillway attach <pid> [key=value ...]}: loads the agent into a running JVM. */
final class AttachCommand implements Command {

  @Override
  public String name() {
    return "attach";
  }

  @Override
  public String usage() {
    return "attach <pid> [key=value ...]";
  }

  @Override
  public String summary() {
    return "Loads Spillway into a running JVM, or changes its settings.";
  }

  @Override
  public String help() {
    return "Loads the agent into the JVM with that pid, with the given settings (the keys of the\n"
        + "configuration table, with or without the spillway. prefix, e.g. rules=/etc/app/rules.yaml).\n"
        + "Classes already loaded are rewritten; executors, queues and pools that already exist are\n"
        + "picked up at their next use. Attaching again does not instrument twice: it applies the new\n"
        + "settings that can change while running (rules, log.level) and says which need a restart.\n"
        + "The target's OTEL_* environment and otel.* properties configure export; add\n"
        + "otel.* settings here as spillway.otel.* keys.\n\n"
        + "JDK 21 and later print a warning when an agent is loaded at run time; start the JVM with\n"
        + "-XX:+EnableDynamicAgentLoading to allow it without one (a future JDK will require it).";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws CliException {
    long pid = Command.pid(args, this);
    String agentArgs = String.join(",", args.subList(1, args.size()));
    String jar = agentJar();
    long start = System.nanoTime();
    try (TargetJvm target = TargetJvm.attach(pid)) {
      int version = target.javaVersion();
      if (version < 17) {
        throw new CliException("pid " + pid + " runs Java " + version + "; Spillway needs Java 17 or newer");
      }
      String result = target.loadAgent(jar, agentArgs);
      out.printf("pid %d: %s (%d ms)%n", pid, result, (System.nanoTime() - start) / 1_000_000);
      if (version >= 21) {
        out.println("note: JDK " + version + " warns about agents loaded at run time; -XX:+EnableDynamicAgentLoading"
            + " at its start avoids that");
      }
    }
    return 0;
  }

  /** This very jar: the command line runs from the agent jar. */
  static String agentJar() throws CliException {
    try {
      File jar = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getAbsolutePath();
    } catch (Exception e) {
      throw new CliException("cannot find the agent jar this command runs from: " + e.getMessage());
    }
  }
}
