package dev.spillway.agent.cli;

import dev.spillway.agent.Version;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: {@code java -jar spillway-agent.jar <command> ...}. Each command answers
 * {@code --help}; every failure is one line on standard error and a non-zero exit code.
 */
public final class Main {

  private static final List<Command> COMMANDS = List.of(
      new ListCommand(), new AttachCommand(), new StatusCommand(), new TopCommand(), new RulesCommand(),
      new DetachCommand());

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || isHelp(args[0]) || "help".equals(args[0])) {
      overview(out);
      return args.length == 0 ? 2 : 0;
    }
    if ("--version".equals(args[0]) || "version".equals(args[0])) {
      out.println(Version.VERSION);
      return 0;
    }
    for (Command command : COMMANDS) {
      if (command.name().equals(args[0])) {
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        if (rest.stream().anyMatch(Main::isHelp)) {
          out.println("usage: spillway " + command.usage());
          out.println();
          out.println(command.help());
          return 0;
        }
        try {
          requireAttachSupport();
          return command.run(rest, out, err);
        } catch (CliException e) {
          err.println("spillway " + command.name() + ": " + e.getMessage());
          return e.getMessage().startsWith("usage:") || e.getMessage().startsWith("not a pid") ? 2 : 1;
        } catch (RuntimeException | StackOverflowError e) {
          // A bug of ours, or a target that answered nonsense: one line all the same, never a stack.
          err.println("spillway " + command.name() + ": failed: " + e);
          return 1;
        }
      }
    }
    err.println("spillway: unknown command '" + args[0] + "' (try --help)");
    return 2;
  }

  /**
   * The attach API lives in the jdk.attach module, which JREs and trimmed runtimes lack. Checked
   * here, before any class that names it is loaded (their loading would fail first).
   */
  private static void requireAttachSupport() throws CliException {
    if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
      throw new CliException("this Java runtime (" + System.getProperty("java.home") + ") has no attach support"
          + " (module jdk.attach): run the command line with a JDK");
    }
  }

  private static boolean isHelp(String arg) {
    return "--help".equals(arg) || "-h".equals(arg);
  }

  private static void overview(PrintStream out) {
    out.println("Spillway " + Version.VERSION + ": see and shed load in a running JVM's executors, queues and pools.");
    out.println();
    out.println("As an agent:  java -javaagent:spillway-agent.jar[=key=value,...] -jar your-app.jar");
    out.println("Commands:     java -jar spillway-agent.jar <command> [--help]");
    out.println();
    for (Command command : COMMANDS) {
      out.printf("  %-42s %s%n", command.usage(), command.summary());
    }
    out.printf("  %-42s %s%n", "--version", "Prints the version.");
  }
}
