package dev.spillway.agent.executor;

import dev.spillway.agent.install.DirectAdvice;
import dev.spillway.agent.install.JdkWeaver;
import dev.spillway.agent.install.MethodCode;
import dev.spillway.agent.install.MethodCode.Value;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.install.WovenAdvice;
import dev.spillway.agent.install.WovenMethod;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Type;

/**
 * Advice for {@code ThreadPoolExecutor}, its worker, and {@code ScheduledThreadPoolExecutor}.
 *
 * <p>Only the JDK classes are rewritten; subclasses inherit the advice through the methods they
 * do not override, and every path a task takes runs through one of these: {@code execute} (which
 * {@code submit} and {@code invokeAll} call), {@code reject}, the private {@code getTask} (the
 * single place a worker takes a task) and the worker's own {@code run}. A scheduled executor
 * queues through {@code delayedExecute} instead of {@code execute}. Tasks are never wrapped.
 *
 * <p>Library copies of the JDK's executor (Tomcat's) reuse the public advice classes here.
 *
 * <p>Each advice reads its arguments and calls one {@link ExecutorHooks} method; it is inlined into
 * java.base, so it names bootstrap types only, and {@code suppress} keeps any failure of ours out of
 * the application. Each advice class holds, as {@code DIRECT}, the same advice written for the
 * {@link JdkWeaver} (which weaves these classes under {@code -javaagent}); {@link #JDK_METHODS}
 * says where both go.
 *
 * <p><b>Observing.</b> When {@code ThreadPoolExecutor} loaded before the agent (an attach), it is
 * left exactly as it is: retransforming it would leave every running worker in the old version
 * of {@code runWorker}, a loop that never returns and that the JVM no longer compiles (measured:
 * a fifth of the small-task throughput, for the life of the thread). Executors are then seen
 * through what does not stay on a worker's stack: a worker's constructor (a new executor's first
 * thread), the JDK's rejection policies (rejections), their getters (gauges), and their work
 * queues' {@code offer}, where shedding refuses (see {@code ExecutorFamily}).
 */
public final class ExecutorInstrumentation implements TypeInstrumentation {

  static final String EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";
  static final String WORKER = EXECUTOR + "$Worker";
  static final String SCHEDULED = "java.util.concurrent.ScheduledThreadPoolExecutor";
  /** The JDK's rejection policies: where an observed executor's rejections are counted. */
  static final Set<String> POLICIES = Set.of(EXECUTOR + "$AbortPolicy", EXECUTOR + "$CallerRunsPolicy",
      EXECUTOR + "$DiscardPolicy", EXECUTOR + "$DiscardOldestPolicy");

  private static final Set<String> TYPE_NAMES = typeNames(EXECUTOR, WORKER, SCHEDULED);

  private final BooleanSupplier observing;

  private static final String HOOKS = "dev/spillway/bootstrap/ExecutorHooks";
  private static final String OBJECT_OBJECT_VOID = "(Ljava/lang/Object;Ljava/lang/Object;)V";
  private static final String OBJECT_THREAD_VOID = "(Ljava/lang/Object;Ljava/lang/Thread;)V";

  /**
   * What is woven into the JDK's classes, for both weavers: Byte Buddy's (attach, background
   * start-up) and the {@link JdkWeaver} (under {@code -javaagent}).
   */
  public static final List<WovenMethod> JDK_METHODS = List.of(
      // Every public constructor delegates to the seven-argument one.
      new WovenMethod(EXECUTOR, Set.of(WovenMethod.CONSTRUCTOR), 7, ConstructorAdvice.class, ConstructorAdvice.DIRECT),
      new WovenMethod(EXECUTOR, Set.of("execute"), 1, ExecuteAdvice.class, ExecuteAdvice.DIRECT),
      new WovenMethod(EXECUTOR, Set.of("reject"), 1, RejectAdvice.class, RejectAdvice.DIRECT),
      new WovenMethod(EXECUTOR, Set.of("getTask"), 0, GetTaskAdvice.class, GetTaskAdvice.DIRECT),
      new WovenMethod(EXECUTOR, Set.of("processWorkerExit"), 2, WorkerExitAdvice.class, WorkerExitAdvice.DIRECT),
      new WovenMethod(WORKER, Set.of(WovenMethod.CONSTRUCTOR), -1, WorkerCreatedAdvice.class, WorkerCreatedAdvice.DIRECT),
      new WovenMethod(WORKER, Set.of("run"), 0, WorkerRunAdvice.class, WorkerRunAdvice.DIRECT),
      new WovenMethod(WORKER, Set.of("isLocked"), 0, WorkerSeenAdvice.class, WorkerSeenAdvice.DIRECT),
      new WovenMethod(SCHEDULED, Set.of("delayedExecute"), 1, ScheduleAdvice.class, ScheduleAdvice.DIRECT),
      new WovenMethod(EXECUTOR + "$AbortPolicy", Set.of("rejectedExecution"), 2, PolicyAdvice.class, PolicyAdvice.DIRECT),
      new WovenMethod(EXECUTOR + "$CallerRunsPolicy", Set.of("rejectedExecution"), 2, PolicyAdvice.class, PolicyAdvice.DIRECT),
      new WovenMethod(EXECUTOR + "$DiscardPolicy", Set.of("rejectedExecution"), 2, PolicyAdvice.class, PolicyAdvice.DIRECT),
      new WovenMethod(EXECUTOR + "$DiscardOldestPolicy", Set.of("rejectedExecution"), 2, PolicyAdvice.class,
          PolicyAdvice.DIRECT));

  private final AsmVisitorWrapper executor = WovenAdvice.of(JDK_METHODS, EXECUTOR);
  private final AsmVisitorWrapper worker = WovenAdvice.of(JDK_METHODS, WORKER);
  private final AsmVisitorWrapper scheduled = WovenAdvice.of(JDK_METHODS, SCHEDULED);
  /** The same for the four policies. */
  private final AsmVisitorWrapper policy = WovenAdvice.of(JDK_METHODS, EXECUTOR + "$AbortPolicy");

  /**
   * What the {@link JdkWeaver} weaves at a class's first load under {@code -javaagent}: the JDK's
   * executor, not the policies (only an observed executor's rejections are counted there, see
   * the class, and under {@code -javaagent} none is observed).
   */
  public static List<WovenMethod> rewrittenAtLoad() {
    List<WovenMethod> methods = new ArrayList<>();
    for (WovenMethod method : JDK_METHODS) {
      if (!POLICIES.contains(method.type())) {
        methods.add(method);
      }
    }
    return methods;
  }

  /** {@code skipOn = OnNonDefaultValue}, not suppressed: {@code if (hook(this, task)) return;}. */
  private static DirectAdvice skipIfTrue(String hook) {
    return new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.loadThis();
        code.loadArgument(0);
        code.invokeStatic(HOOKS, hook, "(Ljava/lang/Object;Ljava/lang/Object;)Z");
        code.returnIfNonZero();
      }
    };
  }

  /** Rewrites {@code ThreadPoolExecutor} itself: it had not loaded before the agent. */
  public ExecutorInstrumentation() {
    this(() -> false);
  }

  /** @param observing whether {@code ThreadPoolExecutor} loaded unrewritten: see the class */
  public ExecutorInstrumentation(BooleanSupplier observing) {
    this.observing = observing;
  }

  @Override
  public Set<String> typeNames() {
    return TYPE_NAMES;
  }

  private static Set<String> typeNames(String... names) {
    Set<String> all = new HashSet<>(POLICIES);
    all.addAll(Set.of(names));
    return Set.copyOf(all);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    if (type.getName().equals(EXECUTOR)) {
      return !observing.getAsBoolean();
    }
    return !POLICIES.contains(type.getName()) || observing.getAsBoolean();
  }

  /**
   * {@code ThreadPoolExecutor} is never restored at a detach: its workers' {@code runWorker} would
   * stay in the old version (see the class); woven, it calls hooks that are no-ops after a detach.
   * Loaded before the agent, it is rewritten only when no application worker can run yet (another
   * agent loaded it in its {@code premain}), not when it is observed.
   */
  @Override
  public boolean retransforms(String typeName, boolean restoring) {
    return !typeName.equals(EXECUTOR) || (!restoring && !observing.getAsBoolean());
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    switch (type.getName()) {
      case EXECUTOR:
        ExecutorHooks.executorRewritten = true;
        return builder.visit(executor);
      case WORKER: return builder.visit(worker);
      case SCHEDULED: return builder.visit(scheduled);
      default: return POLICIES.contains(type.getName()) ? builder.visit(policy) : builder;
    }
  }

  public static final class ConstructorAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void exit(MethodCode code) {
        code.callSuppressed(HOOKS, "onConstructed", "(Ljava/lang/Object;)V", Value.THIS);
      }
    };

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object executor) {
      ExecutorHooks.onConstructed(executor);
    }
  }

  /**
   * Not {@code suppress}: a shedding rule's refusal must reach the caller, as the pool's own would.
   * The hook guarantees that nothing else escapes; returning true skips {@code execute}.
   */
  public static final class ExecuteAdvice {
    /** Also gives the class its state field, the tracker's slot ({@link TrackerSlot}). */
    static final DirectAdvice DIRECT = new DirectAdvice() {
      private final DirectAdvice skip = skipIfTrue("onExecute");

      @Override
      public void enter(MethodCode code) {
        code.carryState();
        skip.enter(code);
      }
    };

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      return ExecutorHooks.onExecute(executor, task);
    }
  }

  /**
   * {@code execute} of a library's pool (Tomcat's, Jetty's). On entry as {@link ExecuteAdvice}; on
   * exit, a {@code RejectedExecutionException} leaving {@code execute} is the pool's final refusal,
   * counted once (Tomcat retries its handler's refusal through {@code TaskQueue.force} first).
   */
  public static final class LibraryExecuteAdvice {
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      return ExecutorHooks.onExecute(executor, task);
    }

    @Advice.OnMethodExit(onThrowable = RejectedExecutionException.class, suppress = Throwable.class)
    static void exit(@Advice.This Object executor, @Advice.Argument(0) Object task,
        @Advice.Thrown Throwable thrown) {
      if (thrown != null) {
        ExecutorHooks.onReject(executor, task);
      }
    }
  }

  static final class RejectAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.callSuppressed(HOOKS, "onReject", OBJECT_OBJECT_VOID, Value.THIS, Value.argument(0));
      }
    };

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      ExecutorHooks.onReject(executor, task);
    }
  }

  /**
   * An observed executor's rejection, in the JDK policy that handles it; {@link RejectAdvice} is
   * not woven then.
   */
  static final class PolicyAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.callSuppressed(HOOKS, "onPolicyReject", OBJECT_OBJECT_VOID, Value.argument(1), Value.argument(0));
      }
    };

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object task, @Advice.Argument(1) Object executor) {
      ExecutorHooks.onPolicyReject(executor, task);
    }
  }

  public static final class GetTaskAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.local("state", Type.getType(Object.class));
        Label[] suppressed = code.beginSuppressed();
        code.loadThis();
        code.invokeStatic(HOOKS, "beforeGetTask", "(Ljava/lang/Object;)Ljava/lang/Object;");
        code.storeLocal("state");
        code.endSuppressed(suppressed);
      }

      @Override
      public void exit(MethodCode code) {
        code.callSuppressed(HOOKS, "afterGetTask", "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V",
            Value.THIS, Value.local("state"), Value.RETURNED);
      }
    };

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object executor) {
      return ExecutorHooks.beforeGetTask(executor);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object executor, @Advice.Enter Object state,
        @Advice.Return Object task) {
      ExecutorHooks.afterGetTask(executor, state, task);
    }
  }

  public static final class WorkerExitAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.callSuppressed(HOOKS, "onWorkerExit", "(Ljava/lang/Object;)V", Value.THIS);
      }

      @Override
      public void exit(MethodCode code) {
        code.callSuppressed(HOOKS, "afterWorkerExit", "(Ljava/lang/Object;)V", Value.THIS);
      }
    };

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object executor) {
      ExecutorHooks.onWorkerExit(executor);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object executor) {
      ExecutorHooks.afterWorkerExit(executor);
    }
  }

  public static final class WorkerCreatedAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void exit(MethodCode code) {
        code.callSuppressed(HOOKS, "onWorkerCreated", OBJECT_THREAD_VOID, Value.field("this$0"),
            Value.field("thread"));
      }
    };

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.FieldValue("this$0") Object executor,
        @Advice.FieldValue("thread") Thread thread) {
      ExecutorHooks.onWorkerCreated(executor, thread);
    }
  }

  /** {@code getActiveCount} asks every worker {@code isLocked()}: a look at each worker's thread. */
  public static final class WorkerSeenAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.callSuppressed(HOOKS, "onWorkerSeen", OBJECT_THREAD_VOID, Value.field("this$0"), Value.field("thread"));
      }
    };

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("this$0") Object executor, @Advice.FieldValue("thread") Thread thread) {
      ExecutorHooks.onWorkerSeen(executor, thread);
    }
  }

  public static final class WorkerRunAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.callSuppressed(HOOKS, "onWorkerStart", OBJECT_OBJECT_VOID, Value.field("this$0"),
            Value.field("firstTask"));
      }
    };

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("this$0") Object executor,
        @Advice.FieldValue("firstTask") Object firstTask) {
      ExecutorHooks.onWorkerStart(executor, firstTask);
    }
  }

  /** As {@link ExecuteAdvice}. Periodic re-runs go through {@code reExecutePeriodic}: never shed. */
  static final class ScheduleAdvice {
    static final DirectAdvice DIRECT = skipIfTrue("onSchedule");

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      return ExecutorHooks.onSchedule(executor, task);
    }
  }
}
