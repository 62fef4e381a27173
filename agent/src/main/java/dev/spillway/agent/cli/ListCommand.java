package dev.spillway.agent.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code spillway list}: the JVMs this user can attach to. */
final class ListCommand implements Command {

  @Override
  public String name() {
    return "list";
  }

  @Override
  public String usage() {
    return "list";
  }

  @Override
  public String summary() {
    return "Lists the JVMs on this machine you can attach to.";
  }

  @Override
  public String help() {
    return "Prints each JVM this OS user can attach to: its pid, its Java version, whether Spillway is\n"
        + "loaded (and which version), and its main class or jar. Other users' JVMs are not shown:\n"
        + "the JVM's attach mechanism only lets their own user in.";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws CliException {
    long self = ProcessHandle.current().pid();
    List<String[]> rows = new ArrayList<>();
    for (VirtualMachineDescriptor jvm : VirtualMachine.list()) {
      long pid;
      try {
        pid = Long.parseLong(jvm.id());
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid == self) {
        continue;
      }
      String[] facts = probe(pid);
      String main = jvm.displayName().isBlank() ? "(unknown)" : jvm.displayName();
      rows.add(new String[] {Long.toString(pid), facts[0], facts[1], main});
    }
    out.printf("%-8s %-5s %-16s %s%n", "PID", "JAVA", "SPILLWAY", "MAIN");
    for (String[] row : rows) {
      out.printf("%-8s %-5s %-16s %s%n", (Object[]) row);
    }
    if (rows.isEmpty()) {
      out.println("(no other JVM of this user)");
    }
    return 0;
  }

  /** Java version and Spillway state of one JVM, asked with a time limit: a stuck JVM is skipped. */
  private static String[] probe(long pid) {
    CompletableFuture<String[]> facts = CompletableFuture.supplyAsync(() -> {
      try (TargetJvm target = TargetJvm.attach(pid)) {
        return new String[] {Integer.toString(target.javaVersion()), target.agentVersion().orElse("no")};
      } catch (CliException e) {
        return new String[] {"?", "(cannot attach)"};
      }
    });
    try {
      return facts.get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      return new String[] {"?", "(not answering)"};
    }
  }
}
