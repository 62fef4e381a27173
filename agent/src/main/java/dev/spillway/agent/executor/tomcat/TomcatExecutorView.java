package dev.spillway.agent.executor.tomcat;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.executor.ExecutorView;
import dev.spillway.agent.executor.RejectionPolicy;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * Reads Tomcat's {@code org.apache.tomcat.util.threads.ThreadPoolExecutor} through its public
 * getters, which have the JDK's names and meanings. The class lives in the application's loader,
 * so the getters are method handles, looked up once per executor (there are a handful) and
 * dispatched virtually, so that a subclass's overrides are what is read. Each view holds the
 * handles, not the executor.
 */
final class TomcatExecutorView extends ExecutorView {

  static final String EXECUTOR = "org.apache.tomcat.util.threads.ThreadPoolExecutor";
  static final String HANDLER = EXECUTOR + "$RejectedExecutionHandler";

  private final MethodHandle poolSize;
  private final MethodHandle activeCount;
  private final MethodHandle corePoolSize;
  private final MethodHandle maximumPoolSize;
  private final MethodHandle queue;
  private final MethodHandle completedTaskCount;
  private final MethodHandle isShutdown;
  private final MethodHandle isTerminated;
  private final MethodHandle threadFactory;
  private final MethodHandle handler;
  /** {@code handler.rejectedExecution(Runnable, executor)}. */
  private final MethodHandle rejectedExecution;

  private TomcatExecutorView(Class<?> type, Class<?> handlerType) throws ReflectiveOperationException {
    poolSize = getter(type, "getPoolSize", int.class);
    activeCount = getter(type, "getActiveCount", int.class);
    corePoolSize = getter(type, "getCorePoolSize", int.class);
    maximumPoolSize = getter(type, "getMaximumPoolSize", int.class);
    queue = getter(type, "getQueue", BlockingQueue.class);
    completedTaskCount = getter(type, "getCompletedTaskCount", long.class);
    isShutdown = getter(type, "isShutdown", boolean.class);
    isTerminated = getter(type, "isTerminated", boolean.class);
    threadFactory = getter(type, "getThreadFactory", ThreadFactory.class);
    handler = getter(type, "getRejectedExecutionHandler", handlerType);
    rejectedExecution = MethodHandles.publicLookup().findVirtual(handlerType, "rejectedExecution",
            MethodType.methodType(void.class, Runnable.class, type))
        .asType(MethodType.methodType(void.class, Object.class, Runnable.class, Object.class));
  }

  /**
   * The view of {@code executor} if it is Tomcat's executor (or a subclass of it); null otherwise,
   * or if this version lacks a getter (one debug line: it is then not tracked).
   */
  static ExecutorView of(Object executor) {
    Class<?> type = libraryClass(executor, EXECUTOR);
    if (type == null) {
      return null;
    }
    try {
      return new TomcatExecutorView(type, Class.forName(HANDLER, false, type.getClassLoader()));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      AgentLog.debug("Tomcat executor " + executor.getClass().getName() + " not tracked: " + e);
      return null;
    }
  }

  @Override public int poolSize(Object e) { return (Integer) call(poolSize, e); }
  @Override public int activeCount(Object e) { return (Integer) call(activeCount, e); }
  @Override public int corePoolSize(Object e) { return (Integer) call(corePoolSize, e); }
  @Override public int maximumPoolSize(Object e) { return (Integer) call(maximumPoolSize, e); }
  @Override public BlockingQueue<?> queue(Object e) { return (BlockingQueue<?>) call(queue, e); }
  @Override public long completedTaskCount(Object e) { return (Long) call(completedTaskCount, e); }
  @Override public boolean isShutdown(Object e) { return (Boolean) call(isShutdown, e); }
  @Override public boolean isTerminated(Object e) { return (Boolean) call(isTerminated, e); }
  @Override public Object threadFactory(Object e) { return call(threadFactory, e); }
  @Override public RejectionPolicy policy(Object e) { return RejectionPolicy.ofCopy(call(handler, e)); }

  /** Tomcat's default handler throws the {@code RejectedExecutionException} its endpoint expects. */
  @Override
  public void handOver(Object executor, Runnable task) {
    Object h = call(handler, executor);
    try {
      rejectedExecution.invokeExact(h, task, executor);
    } catch (RuntimeException | Error e) {
      throw e; // the handler's own refusal, as Tomcat's endpoint expects it
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
