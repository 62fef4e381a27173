package dev.spillway.agent.queue;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.bootstrap.QueueHooks;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

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

  private final Map<String, AsmVisitorWrapper> advice = new HashMap<>();

  public QueueInstrumentation() {
    Advice offer = offer(QueueHooks.OFFER);
    Advice timedOffer = offer(QueueHooks.OFFER_TIMED);
    AsmVisitorWrapper constructors = Advice.to(ConstructorAdvice.class).on(isConstructor());
    AsmVisitorWrapper takes = Advice.to(TakeAdvice.class).on(methods(0, "poll", "take").or(methods(2, "poll")));
    // Classes whose every insert method does its own inserting.
    AsmVisitorWrapper plain = new AsmVisitorWrapper.Compound(constructors, takes,
        offer.on(methods(1, "offer")),
        timedOffer.on(methods(3, "offer")),
        Advice.to(PutAdvice.class).on(methods(1, "put")));
    advice.put(ARRAY, plain);
    advice.put(LINKED, plain);
    advice.put(SYNCHRONOUS, plain);
    // put, add and the timed offer call offer(e).
    AsmVisitorWrapper viaOffer = new AsmVisitorWrapper.Compound(constructors, takes,
        offer.on(methods(1, "offer")));
    advice.put(PRIORITY, viaOffer);
    advice.put(DELAY, viaOffer);
    // Never full: every insert succeeds; tryTransfer fails when no consumer waits.
    advice.put(TRANSFER, new AsmVisitorWrapper.Compound(constructors, takes,
        offer.on(methods(1, "offer", "tryTransfer")),
        timedOffer.on(methods(3, "offer", "tryTransfer")),
        Advice.to(PutAdvice.class).on(methods(1, "put", "add", "transfer"))));
    // offer/put/poll/take/add/push go through the First/Last forms.
    advice.put(DEQUE, new AsmVisitorWrapper.Compound(constructors,
        offer.on(methods(1, "offerFirst", "offerLast")),
        timedOffer.on(methods(3, "offerFirst", "offerLast")),
        Advice.to(PutAdvice.class).on(methods(1, "putFirst", "putLast")),
        Advice.to(TakeAdvice.class).on(methods(0, "pollFirst", "pollLast", "takeFirst", "takeLast")
            .or(methods(2, "pollFirst", "pollLast"))),
        Advice.to(AddRefusedAdvice.class).on(methods(1, "addFirst", "addLast"))));
    advice.put(ABSTRACT, Advice.to(AddRefusedAdvice.class).on(methods(1, "add")));
  }

  private static ElementMatcher.Junction<MethodDescription> methods(int arguments, String... names) {
    return namedOneOf(names).and(takesArguments(arguments));
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
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object queue, @Advice.Return Object element) {
      if (QueueHooks.watching && element != null) {
        QueueHooks.afterTake(queue, element);
      }
    }
  }

  /** {@code add} is {@code offer} or an {@code IllegalStateException}: re-labels that refusal. */
  static final class AddRefusedAdvice {
    @Advice.OnMethodExit(onThrowable = IllegalStateException.class, suppress = Throwable.class)
    static void exit(@Advice.This Object queue, @Advice.Thrown Throwable thrown) {
      if (thrown instanceof IllegalStateException) {
        QueueHooks.onAddRefused(queue);
      }
    }
  }
}
