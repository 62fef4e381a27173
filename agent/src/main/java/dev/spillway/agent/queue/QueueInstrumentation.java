package dev.spillway.agent.queue;

import dev.spillway.agent.install.DirectAdvice;
import dev.spillway.agent.install.JdkWeaver;
import dev.spillway.agent.install.MethodCode;
import dev.spillway.agent.install.MethodCode.Value;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.install.WovenAdvice;
import dev.spillway.agent.install.WovenMethod;
import dev.spillway.bootstrap.QueueHooks;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Advice for the JDK's blocking queues: {@code ArrayBlockingQueue}, {@code LinkedBlockingQueue},
 * {@code LinkedBlockingDeque}, {@code PriorityBlockingQueue}, {@code SynchronousQueue},
 * {@code LinkedTransferQueue} and {@code DelayQueue} (subclasses inherit it).
 *
 * <p>Only the public methods where an element really goes in or out are advised, so each element
 * is seen once whichever method the caller used: where a class routes one method through another
 * ({@code put} through {@code offer} in {@code PriorityBlockingQueue} and {@code DelayQueue}, all
 * of {@code LinkedBlockingDeque}'s through its {@code First}/{@code Last} forms, {@code add}
 * through {@code offer}), only the one underneath is advised. {@code drainTo}, {@code remove(o)},
 * iterators and {@code clear} are not advised: they neither insert nor wait, and gauges read the
 * queue's size when metrics are collected.
 *
 * <p>Each advice class holds the same advice written for the {@link JdkWeaver} (which weaves these
 * classes under {@code -javaagent}); {@link #METHODS} says where both go.
 */
public final class QueueInstrumentation implements TypeInstrumentation {

  static final String ARRAY = "java.util.concurrent.ArrayBlockingQueue";
  static final String LINKED = "java.util.concurrent.LinkedBlockingQueue";
  static final String DEQUE = "java.util.concurrent.LinkedBlockingDeque";
  static final String PRIORITY = "java.util.concurrent.PriorityBlockingQueue";
  static final String SYNCHRONOUS = "java.util.concurrent.SynchronousQueue";
  static final String TRANSFER = "java.util.concurrent.LinkedTransferQueue";
  static final String DELAY = "java.util.concurrent.DelayQueue";
  static final String ABSTRACT = "java.util.AbstractQueue";

  /** The queue classes Spillway reports; {@code AbstractQueue} only for {@code add}'s refusals. */
  static final Set<String> QUEUES = Set.of(ARRAY, LINKED, DEQUE, PRIORITY, SYNCHRONOUS, TRANSFER, DELAY);

  private static final String HOOKS = "dev/spillway/bootstrap/QueueHooks";
  private static final Set<String> CONSTRUCTOR = Set.of(WovenMethod.CONSTRUCTOR);
  private static final Set<String> TAKES = Set.of("poll", "take");

  /**
   * What is woven, for both weavers: Byte Buddy's (attach, background start-up) and the
   * {@link JdkWeaver} (under {@code -javaagent}).
   */
  public static final List<WovenMethod> METHODS = methods();

  private static List<WovenMethod> methods() {
    List<WovenMethod> methods = new ArrayList<>();
    // Classes whose every insert method does its own inserting.
    for (String type : List.of(ARRAY, LINKED, SYNCHRONOUS)) {
      common(methods, type);
      methods.add(offer(type, 1, "offer"));
      methods.add(offer(type, 3, "offer"));
      methods.add(new WovenMethod(type, Set.of("put"), 1, PutAdvice.class, PutAdvice.DIRECT));
    }
    // put, add and the timed offer call offer(e).
    for (String type : List.of(PRIORITY, DELAY)) {
      common(methods, type);
      methods.add(offer(type, 1, "offer"));
    }
    // Never full: every insert succeeds; tryTransfer fails when no consumer waits.
    common(methods, TRANSFER);
    methods.add(offer(TRANSFER, 1, "offer", "tryTransfer"));
    methods.add(offer(TRANSFER, 3, "offer", "tryTransfer"));
    methods.add(new WovenMethod(TRANSFER, Set.of("put", "add", "transfer"), 1, PutAdvice.class, PutAdvice.DIRECT));
    // offer/put/poll/take/add/push go through the First/Last forms.
    methods.add(new WovenMethod(DEQUE, CONSTRUCTOR, -1, ConstructorAdvice.class, ConstructorAdvice.DIRECT));
    methods.add(offer(DEQUE, 1, "offerFirst", "offerLast"));
    methods.add(offer(DEQUE, 3, "offerFirst", "offerLast"));
    methods.add(new WovenMethod(DEQUE, Set.of("putFirst", "putLast"), 1, PutAdvice.class, PutAdvice.DIRECT));
    methods.add(new WovenMethod(DEQUE, Set.of("pollFirst", "pollLast", "takeFirst", "takeLast"), 0,
        TakeAdvice.class, TakeAdvice.DIRECT));
    methods.add(new WovenMethod(DEQUE, Set.of("pollFirst", "pollLast"), 2, TakeAdvice.class, TakeAdvice.DIRECT));
    methods.add(new WovenMethod(DEQUE, Set.of("addFirst", "addLast"), 1, AddRefusedAdvice.class,
        AddRefusedAdvice.DIRECT));
    methods.add(new WovenMethod(ABSTRACT, Set.of("add"), 1, AddRefusedAdvice.class, AddRefusedAdvice.DIRECT));
    return List.copyOf(methods);
  }

  /** Constructors, and the takes: {@code poll()}, {@code take()}, the timed {@code poll}. */
  private static void common(List<WovenMethod> methods, String type) {
    methods.add(new WovenMethod(type, CONSTRUCTOR, -1, ConstructorAdvice.class, ConstructorAdvice.DIRECT));
    methods.add(new WovenMethod(type, TAKES, 0, TakeAdvice.class, TakeAdvice.DIRECT));
    methods.add(new WovenMethod(type, Set.of("poll"), 2, TakeAdvice.class, TakeAdvice.DIRECT));
  }

  /** {@link OfferAdvice} on {@code offer(e)} (1 argument) or the timed {@code offer(e, timeout, unit)} (3). */
  private static WovenMethod offer(String type, int arguments, String... names) {
    int operation = arguments == 1 ? QueueHooks.OFFER : QueueHooks.OFFER_TIMED;
    return new WovenMethod(type, Set.of(names), arguments, OfferAdvice.class, operation, OfferAdvice.direct(operation));
  }

  private final Map<String, AsmVisitorWrapper> advice = new HashMap<>();

  public QueueInstrumentation() {
    // Each advice class is read once.
    Map<Object, Advice> built = new HashMap<>();
    built.put(QueueHooks.OFFER, offer(QueueHooks.OFFER));
    built.put(QueueHooks.OFFER_TIMED, offer(QueueHooks.OFFER_TIMED));
    for (WovenMethod method : METHODS) {
      advice.computeIfAbsent(method.type(), type -> WovenAdvice.of(METHODS, type,
          each -> each.operation() >= 0 ? built.get(each.operation())
              : built.computeIfAbsent(each.advice(), advised -> Advice.to((Class<?>) advised))));
    }
  }

  @Override
  public Set<String> typeNames() {
    return advice.keySet();
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    AsmVisitorWrapper wrapper = advice.get(type.getName());
    return wrapper == null ? builder : builder.visit(wrapper);
  }

  static final class ConstructorAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void exit(MethodCode code) {
        code.callSuppressed(HOOKS, "onConstructed", "(Ljava/lang/Object;)V", Value.THIS);
      }
    };

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object queue) {
      QueueHooks.onConstructed(queue);
    }
  }

  /** Which insert operation an {@link OfferAdvice} is woven into: a constant in the woven code. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface Operation {}

  /** {@link OfferAdvice} for {@code operation} ({@link QueueHooks#OFFER}, {@link QueueHooks#OFFER_TIMED}). */
  private static Advice offer(int operation) {
    return Advice.withCustomMapping().bind(Operation.class, operation).to(OfferAdvice.class);
  }

  /**
   * A refused insert returns false: exactly what a shedding rule's refusal must look like, so
   * skipping the method is the refusal. {@code suppress} is safe here: a failure of ours leaves
   * the entry's result at false, which admits the element. Woven as {@code offer(e)} and as the
   * timed {@code offer(e, timeout, unit)}, told apart by the bound operation.
   */
  static final class OfferAdvice {
    static DirectAdvice direct(int operation) {
      return new DirectAdvice() {
        @Override
        public void enter(MethodCode code) {
          code.keepArgument(0);
          code.local("started", Type.LONG_TYPE);
          code.local("refused", Type.BOOLEAN_TYPE);
          Label[] suppressed = code.beginSuppressed();
          code.jumpIfUnobserved(suppressed[3]);
          Label admitted = new Label();
          code.loadThis();
          code.loadArgument(0);
          code.invokeStatic(HOOKS, "beforeOffer", "(Ljava/lang/Object;Ljava/lang/Object;)J");
          code.storeLocal("started");
          code.loadLocal("started");
          code.constant(QueueHooks.REFUSE);
          code.instruction(Opcodes.LCMP);
          code.jump(Opcodes.IFNE, admitted);
          code.instruction(Opcodes.ICONST_1);
          code.storeLocal("refused");
          code.target(admitted);
          code.endSuppressed(suppressed);
          code.loadLocal("refused");
          code.returnIfNonZero();
        }

        @Override
        public void exit(MethodCode code) {
          Label[] suppressed = code.beginSuppressed();
          code.jumpIfUnobserved(suppressed[3]);
          Label call = new Label();
          code.loadReturned();
          code.jump(Opcodes.IFEQ, call);
          code.loadLocal("started");
          code.instruction(Opcodes.LCONST_0);
          code.instruction(Opcodes.LCMP);
          code.jump(Opcodes.IFEQ, suppressed[3]);
          code.target(call);
          code.loadThis();
          code.loadArgument(0);
          code.loadReturned();
          code.loadLocal("started");
          code.constant(operation);
          code.invokeStatic(HOOKS, "afterOffer", "(Ljava/lang/Object;Ljava/lang/Object;ZJI)V");
          code.endSuppressed(suppressed);
        }
      };
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.This Object queue, @Advice.Argument(0) Object element,
        @Advice.Local("started") long started) {
      started = QueueHooks.beforeOffer(queue, element);
      return started == QueueHooks.REFUSE;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object queue, @Advice.Argument(0) Object element,
        @Advice.Return boolean inserted, @Advice.Local("started") long started, @Operation int operation) {
      if (!inserted || started != 0) {
        QueueHooks.afterOffer(queue, element, inserted, started, operation);
      }
    }
  }

  /**
   * Blocking inserts. Never refused by a rule: {@code put} has no way to fail short of blocking
   * or being interrupted, and an unchecked exception there would break callers that rely on it.
   */
  static final class PutAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void enter(MethodCode code) {
        code.keepArgument(0);
        code.local("started", Type.LONG_TYPE);
        Label[] suppressed = code.beginSuppressed();
        code.jumpIfUnobserved(suppressed[3]);
        code.loadThis();
        code.loadArgument(0);
        code.invokeStatic(HOOKS, "beforePut", "(Ljava/lang/Object;Ljava/lang/Object;)J");
        code.storeLocal("started");
        code.endSuppressed(suppressed);
      }

      /** Byte Buddy's exit runs on a throw too, and calls nothing then: woven at returns only. */
      @Override
      public void exit(MethodCode code) {
        Label[] suppressed = code.beginSuppressed();
        code.loadLocal("started");
        code.instruction(Opcodes.LCONST_0);
        code.instruction(Opcodes.LCMP);
        code.jump(Opcodes.IFEQ, suppressed[3]);
        code.loadThis();
        code.loadArgument(0);
        code.loadLocal("started");
        code.invokeStatic(HOOKS, "afterPut", "(Ljava/lang/Object;Ljava/lang/Object;J)V");
        code.endSuppressed(suppressed);
      }
    };

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object queue, @Advice.Argument(0) Object element) {
      return QueueHooks.beforePut(queue, element);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object queue, @Advice.Argument(0) Object element,
        @Advice.Enter long started, @Advice.Thrown Throwable thrown) {
      if (started != 0 && thrown == null) {
        QueueHooks.afterPut(queue, element, started);
      }
    }
  }

  static final class TakeAdvice {
    /** Byte Buddy's exit runs on a throw too, with no element then, and calls nothing: woven at returns only. */
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public void exit(MethodCode code) {
        Label[] suppressed = code.beginSuppressed();
        code.jumpIfUnobserved(suppressed[3]);
        code.loadStatic(HOOKS, "watching", "Z");
        code.jump(Opcodes.IFEQ, suppressed[3]);
        code.loadReturned();
        code.jump(Opcodes.IFNULL, suppressed[3]);
        code.loadThis();
        code.loadReturned();
        code.invokeStatic(HOOKS, "afterTake", "(Ljava/lang/Object;Ljava/lang/Object;)V");
        code.endSuppressed(suppressed);
      }
    };

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object queue, @Advice.Return Object element) {
      if (QueueHooks.watching && element != null) {
        QueueHooks.afterTake(queue, element);
      }
    }
  }

  /** {@code add} is {@code offer} or an {@code IllegalStateException}: re-labels that refusal. */
  static final class AddRefusedAdvice {
    static final DirectAdvice DIRECT = new DirectAdvice() {
      @Override
      public String thrownType() {
        return "java/lang/IllegalStateException";
      }

      @Override
      public void thrown(MethodCode code) {
        code.callSuppressed(HOOKS, "onAddRefused", "(Ljava/lang/Object;)V", Value.THIS);
      }
    };

    @Advice.OnMethodExit(onThrowable = IllegalStateException.class, suppress = Throwable.class)
    static void exit(@Advice.This Object queue, @Advice.Thrown Throwable thrown) {
      if (thrown instanceof IllegalStateException) {
        QueueHooks.onAddRefused(queue);
      }
    }
  }
}
