package dev.spillway.agent.executor.vertx;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.LibraryCheck;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * Vert.x's {@code TaskQueue} (tested: vertx-core 5.0, and 4.5 by hand), the queue in front of the worker
 * pool for ordered {@code executeBlocking} calls: its {@code execute(task, executor)} tells which
 * executor it feeds ({@link VertxTaskQueues}). The worker pool itself is a JDK
 * {@code ThreadPoolExecutor}, read as any other. Nothing else of Vert.x is rewritten.
 */
public final class VertxTaskQueueInstrumentation implements TypeInstrumentation {

  static final String TASK_QUEUE = "io.vertx.core.impl.TaskQueue";

  private final LibraryCheck check = new LibraryCheck("Vert.x TaskQueue", List.of(
      method(TASK_QUEUE, "execute", "java.lang.Runnable", "java.util.concurrent.Executor"),
      field(TASK_QUEUE, "tasks")));

  private final AsmVisitorWrapper execute = Advice.to(ExecuteAdvice.class)
      .on(named("execute").and(takesArguments(Runnable.class, java.util.concurrent.Executor.class)));

  @Override
  public Set<String> typeNames() {
    return Set.of(TASK_QUEUE);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(execute);
  }

  static final class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object queue, @Advice.Argument(1) Object executor) {
      ExecutorHooks.onFeederQueue(queue, executor);
    }
  }
}
