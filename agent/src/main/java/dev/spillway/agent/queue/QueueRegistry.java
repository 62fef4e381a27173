package dev.spillway.agent.queue;

import dev.spillway.agent.WorkQueues;
import dev.spillway.agent.registry.Cap;
import dev.spillway.agent.registry.TargetRegistry;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.timing.Sampler;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Glob;
import dev.spillway.agent.util.JdkCode;
import dev.spillway.agent.util.Plumbing;
import dev.spillway.agent.util.WeakIdentityMap;
import dev.spillway.bootstrap.AgentThreads;
import java.lang.StackWalker.StackFrame;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * The live queues, their series and which ones get details, on a {@link TargetRegistry} (weak
 * tracking, the ignored marker, release, rule binding). Unlike executors and pools, queues share
 * series: names need not be unique, and what a gone queue counted stays in its series.
 *
 * <p>A queue is registered when it is built (if the agent is up by then) or when something first
 * inserts into it. Queues built on the agent's own threads, and the work queues of executors
 * (reported under {@code jvm.executor.*}), are {@link QueueTracker#IGNORED}. Series are keyed by
 * name and type and shared by all live queues created at the same place; at most
 * {@code maxSeries} exist, later ones go to the overflow series.
 */
final class QueueRegistry {

  private final TargetRegistry<QueueTracker> trackers = new TargetRegistry<>(QueueTracker.IGNORED);
  /** Claimed work queues whose executor decides their inserts ({@link WorkQueues#guard}). */
  private final WeakIdentityMap<Object, WorkQueues.Guard> guards = new WeakIdentityMap<>();
  /** Whether {@link #guards} may hold any: the usual case, none, costs one volatile read. */
  private volatile boolean guarded;
  private final UnobservedMark mark = new UnobservedMark();
  private final QueueNaming naming;
  /** Guarded by this. */
  private final Cap cap;
  private final List<Glob> details;
  private final TaskSampling sampling;
  private final QueueSeries overflow = new QueueSeries(QueueSeries.OVERFLOW, QueueSeries.OVERFLOW, true);
  /** How long a series whose queues are all gone is kept (with its counts) for new ones. */
  static final long EMPTY_SERIES_KEPT_NANOS = 5L * 60 * 1_000_000_000L;

  /**
   * Not a record: a record's equals and hashCode go through a method handle the JDK keeps in a
   * static cache with the record's class in it, which would keep a detached agent loaded.
   */
  private static final class SeriesKey {
    private final String name;
    private final String type;

    SeriesKey(String name, String type) {
      this.name = name;
      this.type = type;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof SeriesKey && ((SeriesKey) other).name.equals(name)
          && ((SeriesKey) other).type.equals(type);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + type.hashCode();
    }
  }

  /** Series by name and type. Guarded by this. */
  private final Map<SeriesKey, QueueSeries> series = new HashMap<>();

  QueueRegistry(QueueNaming naming, int maxSeries, List<Glob> details, TaskSampling sampling) {
    this.naming = naming;
    this.cap = new Cap(maxSeries, "queue series", QueueSeries.NAME.getKey(), "spillway.queue.max-tracked");
    this.details = details;
    this.sampling = sampling;
  }

  /**
   * Binds shedding rules to each queue once named, and again after every rule change, followed
   * by {@code afterRulesChanged}.
   */
  void enforce(RuleEngine engine, Consumer<QueueTracker> bind, Runnable afterRulesChanged) {
    trackers.enforce(engine, tracker -> tracker.series != null, bind, afterRulesChanged);
  }

  /** The tracker of {@code queue}, or null if not seen yet. Lock-free. */
  QueueTracker get(Object queue) {
    return trackers.get(queue);
  }

  /** Registers {@code queue}, found at its construction or its first insert, on this thread. */
  QueueTracker track(Object queue) {
    QueueTracker tracker = trackers.get(queue);
    if (tracker != null) {
      return tracker;
    }
    // Built outside the map's lock, published under it (the first published wins): naming walks
    // the stack and reads the creating class's file through the application's class loader,
    // which must not serialise every queue construction in the JVM, nor take class-loading locks
    // under ours (issue 12).
    tracker = trackers.track(queue, this::newTracker);
    if (tracker == QueueTracker.IGNORED) {
      markUnobserved(queue);
    } else if (tracker.series == null) {
      name(tracker);
    }
    return tracker;
  }

  void guard(Object queue, WorkQueues.Guard guard) {
    if (guard == null) {
      guards.remove(queue);
    } else {
      guards.put(queue, guard);
      guarded = true;
      mark.set(queue, false); // its hooks decide its inserts now
    }
  }

  /** Whether the executor that owns {@code queue} refuses this insert. */
  boolean refusedByOwner(Object queue, Object element) {
    if (!guarded) {
      return false;
    }
    WorkQueues.Guard guard = guards.get(queue);
    return guard != null && guard.refuses(element);
  }

  /** Whether any live work queue is guarded; forgets those collected. */
  boolean anyGuarded() {
    guards.expungeStale(guard -> { });
    guarded = guards.size() > 0;
    return guarded;
  }

  /** Marks an executor's work queue: it is reported as part of the executor, never twice. */
  void ignore(Object queue) {
    trackers.ignore(queue, this::release);
    markUnobserved(queue);
  }

  /** An ignored queue's hooks have nothing to do, unless its executor is observed through them. */
  private void markUnobserved(Object queue) {
    if (!guarded || guards.get(queue) == null) {
      mark.set(queue, true);
    }
  }

  private QueueTracker newTracker(Object object) {
    if (!(object instanceof BlockingQueue) || AgentThreads.isAgentThread()) {
      return QueueTracker.IGNORED;
    }
    StackFrame owner = QueueNaming.ownerFrame();
    // Another agent's, JMX's or logging bootstrap's: not the application's (see Plumbing).
    if (Plumbing.ignored(object.getClass()) || Plumbing.ignored(owner)) {
      return QueueTracker.IGNORED;
    }
    // A JDK class no application can name is a part of another JDK object: JDK 25's
    // SynchronousQueue holds its waiters in a SynchronousQueue$Transferer, a LinkedTransferQueue.
    if (JdkCode.isJdk(object.getClass()) && !Modifier.isPublic(object.getClass().getModifiers())) {
      return QueueTracker.IGNORED;
    }
    // The JDK's own queues (made by JDK code, or of a JDK-internal class): wildcards pass them by.
    boolean jdkOwned = JdkCode.isJdkInternal(object.getClass()) || JdkCode.isJdk(owner);
    return new QueueTracker((BlockingQueue<?>) object, QueueNaming.site(owner, object.getClass()),
        sampling.newSampler(), jdkOwned);
  }

  private void name(QueueTracker tracker) {
    String name = naming.name(tracker.site);
    synchronized (this) {
      if (tracker.series != null) {
        return;
      }
      SeriesKey key = new SeriesKey(name, tracker.type);
      QueueSeries assigned = series.get(key);
      if (assigned == null) {
        if (cap.overflows(series.size())) {
          assigned = overflow;
        } else {
          assigned = new QueueSeries(name, tracker.type, false);
          series.put(key, assigned);
        }
      }
      assigned.members++;
      tracker.series = assigned;
      tracker.details = wantsDetails(assigned.name);
      if (!tracker.details) {
        tracker.sampler.setMask(Sampler.OFF);
      }
    }
    trackers.named(tracker);
  }

  /** Whether {@code spillway.queue.details} asks for details of the series of that name. */
  boolean wantsDetails(String name) {
    for (Glob glob : details) {
      if (glob.matches(name)) {
        return true;
      }
    }
    return false;
  }

  /** The live trackers, dropping collected queues (their counts stay in their series). */
  synchronized List<QueueTracker> live() {
    List<QueueTracker> live = trackers.sweep(QueueTracker::queue, (tracker, queue) -> false, this::release);
    live.removeIf(tracker -> tracker.series == null);
    return live;
  }

  /** Every series: those in use, and those recently emptied (their counts still report). */
  synchronized List<QueueSeries> series() {
    List<QueueSeries> all = new ArrayList<>(series.values());
    if (overflow.members > 0 || !overflow.countedNothing()) {
      all.add(overflow);
    }
    return all;
  }

  /** All trackers but the ignored marker. */
  List<QueueTracker> all() {
    return trackers.all();
  }

  private synchronized void release(QueueTracker tracker) {
    QueueSeries assigned = tracker.series;
    if (assigned == null || tracker == QueueTracker.IGNORED) {
      return;
    }
    tracker.series = null;
    assigned.retiredEnqueued.add(tracker.enqueued.sum());
    assigned.retiredDequeued.add(tracker.dequeued.sum());
    tracker.refusals.addTo(assigned.retiredRefusals);
    if (--assigned.members == 0) {
      if (assigned.countedNothing() && !assigned.overflow) {
        // An executor's work queue, met before its executor: it never was a queue of its own.
        series.remove(new SeriesKey(assigned.name, assigned.type));
      } else {
        assigned.emptySince = System.nanoTime();
      }
    }
  }

  /** Drops series whose queues have all been gone for {@link #EMPTY_SERIES_KEPT_NANOS}. */
  synchronized void dropEmptySeries(long now) {
    series.values().removeIf(s -> s.members == 0 && now - s.emptySince > EMPTY_SERIES_KEPT_NANOS);
  }
}
