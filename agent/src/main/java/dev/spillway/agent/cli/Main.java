package dev.spillway.agent.cli;

import dev.spillway.agent.Version;
import java.io.PrintStream;

/** The command line: {@code java -jar spillway-agent.jar <command>}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0]) || "help".equals(args[0])) {
      out.println("Spillway " + Version.VERSION);
      out.println();
      out.println("As an agent:  java -javaagent:spillway-agent.jar[=key=value,...] -jar your-app.jar");
      out.println("Commands:     java -jar spillway-agent.jar --version");
      return args.length == 0 ? 2 : 0;
    }
    if ("--version".equals(args[0]) || "version".equals(args[0])) {
      out.println(Version.VERSION);
      return 0;
    }
    err.println("spillway: unknown command '" + args[0] + "' (try --help)");
    return 2;
  }
}
