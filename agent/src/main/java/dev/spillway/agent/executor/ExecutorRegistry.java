package dev.spillway.agent.executor;

import dev.spillway.agent.WorkQueues;
import dev.spillway.agent.registry.Cap;
import dev.spillway.agent.registry.FinalCounts;
import dev.spillway.agent.registry.TargetRegistry;
import dev.spillway.agent.registry.UniqueNames;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.CallSites;
import dev.spillway.agent.util.JdkCode;
import dev.spillway.agent.util.Plumbing;
import dev.spillway.agent.util.WeakIdentityMap;
import dev.spillway.bootstrap.AgentThreads;
import java.lang.StackWalker.StackFrame;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The live executors and their names, on a {@link TargetRegistry} (weak tracking, the ignored
 * marker, release, rule binding) with {@link UniqueNames}.
 *
 * <p>An executor is registered the first time it is seen: at construction when the agent was
 * already running, otherwise at its first submit, schedule or worker. Executors constructed or
 * first used on one of the agent's own threads are marked {@link ExecutorTracker#IGNORED}.
 * Entries go when the executor is collected or terminated, and so do their names; their final
 * counts stay as a {@link Retired} entry under the series name until one collection has reported
 * them (alone, or added to a new executor that took the same name, which keeps the sum rising).
 *
 * <p><b>One thread factory, one series.</b> {@code ThreadPoolExecutor}s built with the same thread
 * factory instance report as one series, their values summed: their threads share one name, and
 * the factory is what an application shares between the workers of one pool built of many
 * executors (Project Reactor's {@code boundedElastic} and {@code parallel} schedulers: one
 * single-thread executor per worker, up to ten per core). Numbered apart ({@code name#2}), they
 * would be as many series, numbered in start order.
 */
final class ExecutorRegistry {

  private final TargetRegistry<ExecutorTracker> trackers = new TargetRegistry<>(ExecutorTracker.IGNORED);
  private final ExecutorNaming naming;
  private final TaskSampling sampling;
  private final WorkQueues workQueues;
  /** Views of the libraries' executors (Tomcat's): null for an object that is none of them. */
  private final java.util.function.Function<Object, ExecutorView> libraries;
  private final ExecutorSeries overflow = ExecutorSeries.overflow();

  /** Final counts of executors that are gone, until reported. */
  private final FinalCounts<Retired> retired = new FinalCounts<>();
  /** Names of live executors with a series of their own. Guarded by this. */
  private final UniqueNames names;
  /** The series of executors that share a thread factory, by that factory (held weakly). Guarded by this. */
  private final WeakIdentityMap<Object, Group> groups = new WeakIdentityMap<>();
  /** When {@link #live} last dropped terminated executors. Guarded by this. */
  private long lastSweep = System.nanoTime();

  /** How often naming a new executor may sweep for terminated ones; see {@link #series}. */
  private static final long MIN_SWEEP_NANOS = 10_000_000;

  ExecutorRegistry(ExecutorNaming naming, int maxTracked, TaskSampling sampling, WorkQueues workQueues) {
    this(naming, maxTracked, sampling, workQueues, object -> null);
  }

  ExecutorRegistry(ExecutorNaming naming, int maxTracked, TaskSampling sampling, WorkQueues workQueues,
      java.util.function.Function<Object, ExecutorView> libraries) {
    this.libraries = libraries;
    this.naming = naming;
    this.names = new UniqueNames(new Cap(maxTracked, "live executors", ExecutorSeries.NAME.getKey(),
        "spillway.executor.max-tracked"));
    this.sampling = sampling;
    this.workQueues = workQueues;
  }

  /** Binds shedding rules to each executor once named, and again after every rule change. */
  void enforce(RuleEngine engine, Consumer<ExecutorTracker> bind) {
    trackers.enforce(engine, tracker -> tracker.series != null, bind, () -> { });
  }

  /** The tracker of {@code executor}, or null if not seen yet. Lock-free. */
  ExecutorTracker get(Object executor) {
    return trackers.get(executor);
  }

  /** Where an executor was first seen; decides whose stack names it. */
  enum Sighting { CONSTRUCTED, SUBMITTED, OTHER, DISCOVERED }

  /**
   * The tracker of {@code executor}, registering it if this is the first sighting: at its
   * constructor when the agent was already running, otherwise at its first submit, schedule,
   * rejection or worker.
   */
  ExecutorTracker track(Object executor, Sighting sighting) {
    ExecutorTracker tracker = trackers.get(executor);
    // Building walks the stack and calls the executor's own, possibly overridden, getters: outside
    // any lock of ours (TargetRegistry.track).
    return tracker != null ? tracker : trackers.track(executor, object -> newTracker(object, sighting));
  }

  private ExecutorTracker newTracker(Object object, Sighting sighting) {
    // Found from its workers by the agent's own thread at install: the application's, all the same.
    boolean agentThread = sighting != Sighting.DISCOVERED && AgentThreads.isAgentThread();
    if (agentThread) {
      return ExecutorTracker.IGNORED;
    }
    ExecutorView view = object instanceof ThreadPoolExecutor ? ExecutorView.JDK : libraries.apply(object);
    if (view == null) {
      return ExecutorTracker.IGNORED;
    }
    // Its queue is reported as part of it, not as a queue of its own (nor at all, when ignored).
    // Claimed first: until then a collection may take the queue, built moments ago, for one of
    // the application's (QueueTracker.justBuilt), and the stack walk below is the slow part.
    BlockingQueue<?> queue = view.queue(object);
    if (queue != null) {
      workQueues.claim(queue);
    }
    // An executor of the agent met on an application thread still has the agent's thread factory.
    if (view.threadFactory(object).getClass().getClassLoader() == ExecutorRegistry.class.getClassLoader()) {
      return ExecutorTracker.IGNORED;
    }
    StackFrame owner = sighting == Sighting.CONSTRUCTED || sighting == Sighting.SUBMITTED
        ? ExecutorNaming.callSiteFrame() : null;
    // Another agent's, JMX's or logging bootstrap's: not the application's (see Plumbing).
    if (Plumbing.ignored(object.getClass()) || Plumbing.ignored(view.threadFactory(object).getClass())
        || Plumbing.ignored(owner)) {
      return ExecutorTracker.IGNORED;
    }
    String site = owner == null ? null : CallSites.describe(owner, false);
    return new ExecutorTracker(object, view, sighting == Sighting.CONSTRUCTED ? site : null,
        sighting == Sighting.SUBMITTED ? site : null, sampling.newSampler(),
        view == ExecutorView.JDK && jdkOwned((ThreadPoolExecutor) object, sighting));
  }

  /**
   * Whether the JDK made this executor: its class or its thread factory is JDK code outside the
   * concurrency API (the JMX connector's RMI Scheduler has a factory of sun.rmi), or JDK code was
   * seen constructing it. Met only at a worker or a submit (after an attach), an executor the JDK
   * built with a default factory passes for the application's.
   */
  static boolean jdkOwned(ThreadPoolExecutor executor, Sighting sighting) {
    return JdkCode.isJdkInternal(executor.getClass())
        || JdkCode.isJdkInternal(executor.getThreadFactory().getClass())
        || (sighting == Sighting.CONSTRUCTED && JdkCode.calledByJdk(ThreadPoolExecutor.class));
  }

  /**
   * The series an executor reports under, fixed the first time it is asked for. Its name is
   * derived, renamed, and made unique among live executors ({@code name#2}); past the cap it is
   * the overflow series.
   */
  ExecutorSeries series(ExecutorTracker tracker) {
    ExecutorSeries series = tracker.series;
    if (series != null) {
      return series;
    }
    Object executor = tracker.executor();
    if (tracker.firstThreadName == null && executor != null) {
      // A pool with a name of its own (Jetty's) names its threads after it.
      tracker.firstThreadName = tracker.view.ownName(executor);
    }
    if (tracker.firstThreadName == null && executor != null && tracker.view.poolSize(executor) > 0) {
      // Workers that started before the agent: the pool's own getActiveCount looks at each
      // (see onWorkerSeen), which tells their thread names. Outside our locks: it takes the pool's.
      tracker.view.activeCount(executor);
    }
    series = assignSeries(tracker, sharedFactory(tracker, executor), true);
    trackers.named(tracker);
    return series;
  }

  /**
   * The thread factory that groups {@code executor} with others (see the class): a JDK executor's,
   * read outside our locks (a subclass may override the getter); null for the libraries' pools
   * and the ForkJoinPools, whose default factory every pool shares.
   */
  private static Object sharedFactory(ExecutorTracker tracker, Object executor) {
    if (tracker.view != ExecutorView.JDK || executor == null) {
      return null;
    }
    try {
      return ((ThreadPoolExecutor) executor).getThreadFactory();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private ExecutorSeries assignSeries(ExecutorTracker tracker, Object factory, boolean sweep) {
    synchronized (this) {
      if (tracker.series != null) {
        return tracker.series;
      }
      if (tracker.released && sweep) {
        // Gone unnamed, asked for by a stray late record: no name for the dead.
        return overflow;
      }
      Group group = factory == null ? null : groups.get(factory);
      if (group != null) {
        group.members++;
        tracker.group = group;
        tracker.series = group.series;
        return tracker.series;
      }
      String base = naming.rename(ExecutorNaming.derive(tracker.firstThreadName,
          tracker.constructionSite, tracker.submitSite, tracker.type));
      // Terminated executors hold their names and places under the cap until a sweep, which
      // collection runs every interval; executors made and shut down by the hundred in between
      // would fill the cap while few live, and number their names up to it. Sweep first, at
      // most every MIN_SWEEP_NANOS, so that the cost stays bounded when the cap is truly reached.
      if (sweep && names.isFullOrTaken(base) && System.nanoTime() - lastSweep >= MIN_SWEEP_NANOS) {
        live();
      }
      String name = names.claim(base);
      tracker.series = name == null ? overflow : new ExecutorSeries(name, tracker.type, false);
      if (name != null && factory != null) {
        group = new Group(tracker.series, factory);
        groups.put(factory, group);
        tracker.group = group;
      }
      return tracker.series;
    }
  }

  /** The series of the executors of one thread factory, and how many of them are live. */
  static final class Group {
    final ExecutorSeries series;
    /** To forget the group when its last executor goes; weak: a factory may reach its executors. */
    final WeakReference<Object> factory;
    /** Guarded by the registry. */
    int members = 1;

    Group(ExecutorSeries series, Object factory) {
      this.series = series;
      this.factory = new WeakReference<>(factory);
    }
  }

  /**
   * The executors to report now. Drops those collected or terminated, releasing their names and
   * keeping their final counts ({@link #retired}); an overflow executor leaves its counts to the
   * overflow series.
   */
  synchronized List<ExecutorTracker> live() {
    lastSweep = System.nanoTime();
    List<ExecutorTracker> live = trackers.sweep(ExecutorTracker::executor,
        (tracker, executor) -> tracker.view.isTerminated(executor), this::release);
    // A group whose factory was collected with its executors: released above, its entry stale.
    groups.expungeStale(group -> { });
    return live;
  }

  /** Keeps the final counts of an executor terminated (or collected: then read without it). */
  private synchronized void release(ExecutorTracker tracker) {
    Object executor = tracker.executor();
    tracker.released = true;
    if (executor != null) {
      TrackerSlot.set(executor, null); // a later sighting registers it again, as without the slot
    }
    if (tracker.series == null && (executor != null ? tracker.readyToReport(executor) : tracker.didSomething())) {
      // Gone before its first collection: named now, so that what it did is reported once.
      // Its thread factory is not asked for here, under our lock: it reports alone.
      assignSeries(tracker, null, false);
    }
    ExecutorSeries series = tracker.series;
    if (series == null) {
      return;
    }
    // A pool that does not count them (ForkJoinPool) says -1.
    long completed = Math.max(0, executor != null ? tracker.view.completedTaskCount(executor) : tracker.lastCompleted);
    if (series.overflow) {
      series.retiredCompleted.add(completed);
      tracker.rejections.addTo(series.retiredRejections);
    } else {
      Group group = tracker.group;
      if (group == null || --group.members == 0) {
        names.release(series.name);
        Object factory = group == null ? null : group.factory.get();
        if (factory != null) {
          groups.remove(factory);
        }
      }
      Retired gone = retired.under(series.name, name -> new Retired(series));
      gone.completed += completed;
      tracker.rejections.addTo(gone.rejections);
    }
    // A tracker is released once: a dead entry is gone from the map when we get here. It keeps
    // its series object (a collection that listed it before may still ask), not its name.
  }

  /** The final counts kept under {@code name}, to add to the live executor reporting it; or null. */
  Retired retired(String name) {
    return retired.get(name);
  }

  /**
   * Takes the final counts whose name no live executor reports under ({@code reported}): they are
   * reported alone, this once, and then their series ends.
   */
  List<Retired> takeUnreported(Set<String> reported) {
    return retired.takeUnreported(reported);
  }

  /** What executors that are gone counted, under one series name; written under the registry's lock. */
  static final class Retired {
    final ExecutorSeries series;
    volatile long completed;
    final Rejections rejections = new Rejections();

    Retired(ExecutorSeries series) {
      this.series = series;
    }
  }

  /** All trackers but the ignored marker, for housekeeping (sampling rates, stale samples). */
  List<ExecutorTracker> all() {
    return trackers.all();
  }
}
