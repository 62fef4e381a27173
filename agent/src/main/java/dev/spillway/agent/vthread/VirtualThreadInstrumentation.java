package dev.spillway.agent.vthread;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.bootstrap.VirtualThreadHooks;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * Advice for {@code java.lang.VirtualThread} (JDK 21 to 25, same two methods): its
 * {@code start(ThreadContainer)}, which every way of starting one goes through, counted on entry
 * and taken back if it throws (the scheduler refused it, or it was started twice); and its private {@code run(Runnable)}, the body
 * the thread's continuation runs, counted when it returns, the task done. Nothing else: no
 * per-park or per-mount cost. On JDK 17 the class does not exist and nothing is woven.
 */
public final class VirtualThreadInstrumentation implements TypeInstrumentation {

  static final String VIRTUAL_THREAD = "java.lang.VirtualThread";

  private final AsmVisitorWrapper advice = new AsmVisitorWrapper.Compound(
      Advice.to(StartAdvice.class).on(named("start").and(takesArguments(1))),
      Advice.to(RunAdvice.class).on(named("run").and(takesArguments(Runnable.class))));

  @Override
  public Set<String> typeNames() {
    return Set.of(VIRTUAL_THREAD);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(advice);
  }

  /** Counted on entry: the new thread may run and end before {@code start} returns. */
  static final class StartAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter() {
      VirtualThreadHooks.starting();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Thrown Throwable thrown) {
      if (thrown != null) {
        VirtualThreadHooks.startFailed();
      }
    }
  }

  static final class RunAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit() {
      VirtualThreadHooks.ended();
    }
  }
}
