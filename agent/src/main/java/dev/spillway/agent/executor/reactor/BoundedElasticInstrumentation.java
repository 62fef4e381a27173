package dev.spillway.agent.executor.reactor;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.spillway.agent.executor.OwnerLimits;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.LibraryCheck;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * Project Reactor's bounded elastic scheduler (tested: reactor-core 3.7, and 3.8 by hand), the
 * scheduler Spring WebFlux runs blocking code on. Each of its workers is a single-thread
 * {@code ScheduledThreadPoolExecutor} of Reactor's ({@code BoundedScheduledExecutorService}), read
 * as any {@code ThreadPoolExecutor}, but it bounds its queue itself: before each task it checks
 * the queue against {@code queueCapacity} (100 000 by default) and refuses with a
 * {@code RejectedExecutionException} of its own ({@code ensureQueueCapacity}), before the JDK pool
 * sees the task. So this class tells the executor family that capacity, and its refusals are
 * counted where they are thrown, one per task refused. And the scheduler's
 * {@code createBoundedExecutorService} tells which scheduler built each worker, so that its
 * workers' series report the scheduler's own limits ({@code maxThreads}, and
 * {@code maxThreads × maxTaskQueuedPerThread} queued), not the sum over the workers that happen to
 * be alive. Nothing else of Reactor is rewritten.
 */
public final class BoundedElasticInstrumentation implements TypeInstrumentation {

  static final String SCHEDULER = "reactor.core.scheduler.BoundedElasticScheduler";
  static final String WORKER = SCHEDULER + "$BoundedScheduledExecutorService";
  /** What {@link #queueCapacity} answers for an executor that does not bound its queue itself. */
  public static final long NOT_BOUNDED_HERE = -2;

  private static final FieldReader QUEUE_CAPACITY = new FieldReader("queueCapacity");

  private final LibraryCheck check = new LibraryCheck("Reactor bounded elastic scheduler", List.of(
      method(WORKER, "ensureQueueCapacity", "int"),
      field(WORKER, "queueCapacity"),
      method(SCHEDULER, "createBoundedExecutorService"),
      field(SCHEDULER, "maxThreads"),
      field(SCHEDULER, "maxTaskQueuedPerThread")));

  private final AsmVisitorWrapper refusals = Advice.to(CapacityCheckAdvice.class)
      .on(named("ensureQueueCapacity").and(takesArguments(int.class)));
  private final AsmVisitorWrapper workerBuilt = Advice.to(WorkerBuiltAdvice.class)
      .on(named("createBoundedExecutorService").and(takesArguments(0)));

  /**
   * The most tasks {@code executor} queues if it is one of Reactor's bounded elastic workers:
   * {@code -1} when unbounded; {@link #NOT_BOUNDED_HERE} for any other executor (its work queue
   * says), or when the field cannot be read. At collection and binding only.
   */
  public static long queueCapacity(Object executor) {
    if (!executor.getClass().getName().equals(WORKER)) {
      return NOT_BOUNDED_HERE;
    }
    try {
      int capacity = (Integer) QUEUE_CAPACITY.get(executor);
      return capacity == Integer.MAX_VALUE ? -1 : capacity;
    } catch (Exception | LinkageError e) {
      return NOT_BOUNDED_HERE;
    }
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(SCHEDULER, WORKER);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(WORKER.equals(type.getName()) ? refusals : workerBuilt);
  }

  /** The limits of {@code owner} if it is a {@code BoundedElasticScheduler}, for its workers' series; else null. */
  public static OwnerLimits limitsOf(Object owner) {
    return owner.getClass().getName().equals(SCHEDULER) ? new SchedulerLimits(owner) : null;
  }

  /** A worker was built by its scheduler: the scheduler's limits are its series'. */
  static final class WorkerBuiltAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object scheduler, @Advice.Return Object worker) {
      ExecutorHooks.onMemberOf(worker, scheduler);
    }
  }

  /** The worker refused {@code tasks} tasks (all of an {@code invokeAll}, or one): each is a rejection. */
  static final class CapacityCheckAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object executor, @Advice.Argument(0) int tasks, @Advice.Thrown Throwable thrown) {
      if (thrown instanceof RejectedExecutionException) {
        for (int i = 0; i < tasks; i++) {
          ExecutorHooks.onReject(executor, null);
        }
      }
    }
  }
}
