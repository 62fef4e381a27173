package dev.spillway.agent;

import dev.spillway.agent.config.Settings.LogLevel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * At debug level only: how many bytes each live thread has allocated so far, the agent's threads
 * named. What the start allocates is the heap it touches: a program whose allocations stay under
 * the collector's first young generation never touches more (see README, Overhead). Reads the
 * JVM's per-thread counters ({@code com.sun.management.ThreadMXBean}), which the agent does not
 * load otherwise.
 */
final class StartAllocations {

  private StartAllocations() {}

  static void log(String when) {
    if (!AgentLog.isEnabled(LogLevel.DEBUG)) {
      return;
    }
    try {
      if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
          || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
        return;
      }
      long[] ids = threads.getAllThreadIds();
      long[] bytes = threads.getThreadAllocatedBytes(ids);
      ThreadInfo[] infos = threads.getThreadInfo(ids);
      long total = 0;
      List<String> named = new ArrayList<>();
      for (int i = 0; i < ids.length; i++) {
        if (bytes[i] <= 0 || infos[i] == null) {
          continue;
        }
        total += bytes[i];
        if (bytes[i] >= 64 * 1024) {
          named.add(infos[i].getThreadName() + " " + bytes[i] / 1024 + " KB");
        }
      }
      AgentLog.debug("allocated " + when + ": " + total / 1024 + " KB by the live threads (" + String.join(", ", named)
          + ")");
    } catch (Throwable t) {
      AgentLog.debug("could not read the threads' allocations", t);
    }
  }
}
