package dev.spillway.agent.cli;

import dev.spillway.agent.shedding.RuleFileException;
import dev.spillway.agent.shedding.RuleLimits;
import dev.spillway.agent.shedding.RuleParser;
import dev.spillway.agent.shedding.RuleSet;
import dev.spillway.agent.shedding.RulesMBean;
import dev.spillway.agent.util.Printable;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** {@code spillway rules <pid> show|apply FILE|clear}: the shedding rules of a running JVM. */
final class RulesCommand implements Command {

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public String usage() {
    return "rules <pid> show|apply FILE|clear";
  }

  @Override
  public String summary() {
    return "Shows, replaces or clears the shedding rules of a JVM.";
  }

  @Override
  public String help() {
    return "show        prints the rules in force, as a rule file, and which are shedding now\n"
        + "apply FILE  checks FILE here first, then puts it in force as a whole; an invalid file is\n"
        + "            refused with file, line, column and reason, and the rules in force stay\n"
        + "clear       removes every rule\n"
        + "A rules file the JVM watches (spillway.rules) wins again when it next changes.";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws CliException {
    long pid = Command.pid(args, this);
    if (args.size() < 2) {
      throw new CliException("usage: spillway " + usage());
    }
    String action = args.get(1);
    String yaml = null;
    String source = null;
    if ("apply".equals(action)) {
      if (args.size() < 3) {
        throw new CliException("usage: spillway " + usage());
      }
      Path file;
      try {
        file = Path.of(args.get(2));
      } catch (InvalidPathException e) {
        throw new CliException("not a usable path: " + Printable.clip(args.get(2), 200) + " (" + e.getReason() + ")");
      }
      source = file.toString();
      try {
        yaml = RuleLimits.read(file);
        RuleParser.parse(yaml, source);
      } catch (IOException e) {
        throw new CliException("cannot read " + file + ": " + TargetJvm.describe(e));
      } catch (RuleFileException e) {
        throw new CliException("rules " + e.getMessage() + "; nothing changed in pid " + pid);
      } catch (RuntimeException | StackOverflowError e) {
        // Not expected within the limits; one line all the same, never a stack.
        throw new CliException("rules " + source + ": could not be read (" + e + "); nothing changed in pid " + pid);
      }
    } else if (!"show".equals(action) && !"clear".equals(action)) {
      throw new CliException("unknown action '" + action + "' (usage: spillway " + usage() + ")");
    }
    try (TargetJvm target = TargetJvm.attach(pid)) {
      RulesMBean rules = target.rules();
      switch (action) {
        case "show":
          out.print("# rules of pid " + pid + ", from " + rules.getSource() + "\n" + rules.getRules());
          String[] active = rules.getActiveRules();
          out.println("# shedding now: " + (active.length == 0 ? "none" : String.join(", ", active)));
          break;
        case "apply":
          try {
            rules.apply(yaml, source);
          } catch (IllegalArgumentException | UndeclaredThrowableException e) {
            throw new CliException("rules " + TargetJvm.describe(e) + "; nothing changed in pid " + pid);
          }
          out.println("pid " + pid + ": rules from " + source + " in force (" + count(yaml, source) + ")");
          break;
        default:
          rules.clear();
          out.println("pid " + pid + ": no rules in force");
      }
    }
    return 0;
  }

  private static String count(String yaml, String source) {
    try {
      RuleSet rules = RuleParser.parse(yaml, source);
      return rules.rules().size() + (rules.rules().size() == 1 ? " rule" : " rules");
    } catch (RuleFileException e) {
      return "?";
    }
  }
}
