package dev.spillway.agent.cli;

import java.io.PrintStream;
import java.util.List;

/** One command of the command line. */
interface Command {

  /** As typed: "status". */
  String name();

  /** The synopsis: "status <pid> [--json]". */
  String usage();

  /** One line for the overview. */
  String summary();

  /** What {@code <command> --help} prints after the synopsis. */
  String help();

  /** Runs it; returns the exit code (0 ok, 1 failed, 2 bad usage). */
  int run(List<String> args, PrintStream out, PrintStream err) throws CliException;

  /** Parses the pid argument, or fails with a usage message. */
  static long pid(List<String> args, Command command) throws CliException {
    if (args.isEmpty()) {
      throw new CliException("usage: spillway " + command.usage());
    }
    try {
      return Long.parseLong(args.get(0));
    } catch (NumberFormatException e) {
      throw new CliException("not a pid: '" + args.get(0) + "' (usage: spillway " + command.usage() + ")");
    }
  }
}
