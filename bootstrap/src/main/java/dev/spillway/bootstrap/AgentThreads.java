package dev.spillway.bootstrap;

/**
 * Tells the agent's own threads from the application's.
 *
 * <p>Every thread the agent starts belongs to one thread group, and threads created from those
 * threads (the SDK's reader, the HTTP client's selector and workers) inherit it. Executors and
 * queues created or used on such a thread belong to the agent and are never tracked. A thread group
 * costs nothing on application threads, unlike an inheritable thread-local.
 */
public final class AgentThreads {

  private static final ThreadGroup GROUP = new ThreadGroup("spillway");

  private AgentThreads() {}

  /** A daemon thread of the agent's group. */
  public static Thread newThread(Runnable body, String name) {
    Thread thread = new Thread(GROUP, body, name);
    thread.setDaemon(true);
    return thread;
  }

  public static boolean isAgentThread() {
    return Thread.currentThread().getThreadGroup() == GROUP;
  }
}
