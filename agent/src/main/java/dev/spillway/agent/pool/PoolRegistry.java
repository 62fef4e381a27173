package dev.spillway.agent.pool;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.registry.Cap;
import dev.spillway.agent.registry.FinalCounts;
import dev.spillway.agent.registry.TargetRegistry;
import dev.spillway.agent.registry.UniqueNames;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Plumbing;
import dev.spillway.bootstrap.AgentThreads;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The live pools and their names, on a {@link TargetRegistry} (weak tracking, the ignored marker,
 * release, rule binding) with {@link UniqueNames}.
 *
 * <p>A pool is registered the first time one of its hooks runs: creating a connection, an acquire,
 * a release. That works the same whether the agent started before the pool or was attached to a
 * running JVM. It is named on its first acquire (or collection), once the data source it serves is
 * known. Entries go when the pool is collected or closed, and so do their names; their final
 * counts stay as a {@link Retired} entry until one collection has reported them.
 */
final class PoolRegistry {

  private final TargetRegistry<PoolTracker> trackers = new TargetRegistry<>(PoolTracker.IGNORED);
  private final PoolAdapter[] adapters;
  private final PoolNaming naming;
  private final TaskSampling sampling;
  /** The overflow series of each domain: JDBC and HTTP pools never share a series. */
  private final PoolSeries[] overflow = {PoolSeries.overflow(PoolDomain.DB), PoolSeries.overflow(PoolDomain.HTTP)};

  /** Final counts of pools that are gone, until reported. */
  private final FinalCounts<Retired> retired = new FinalCounts<>();
  /** Names of live pools with a series of their own. Guarded by this. */
  private final UniqueNames names;
  /** The most routes of one HTTP client pool with series of their own; see {@link RouteSeries}. */
  private final Cap routeCap;

  PoolRegistry(PoolAdapter[] adapters, PoolNaming naming, int maxTracked, int maxRoutes, TaskSampling sampling) {
    this.adapters = adapters;
    this.routeCap = new Cap(maxRoutes, "routes in one HTTP client pool", RouteSeries.SERVER_ADDRESS.getKey(),
        "spillway.pool.max-routes");
    this.naming = naming;
    this.names = new UniqueNames(new Cap(maxTracked, "live connection pools", PoolSeries.POOL_NAME.getKey(),
        "spillway.pool.max-tracked"));
    this.sampling = sampling;
  }

  /** Binds shedding rules to each pool once named, and again after every rule change. */
  void enforce(RuleEngine engine, Consumer<PoolTracker> bind) {
    trackers.enforce(engine, tracker -> tracker.series != null, bind, () -> { });
  }

  /** The tracker of {@code pool}, or null if not seen yet. Lock-free. */
  PoolTracker get(Object pool) {
    return trackers.get(pool);
  }

  /** The tracker of {@code pool}, registering it on its first sighting. */
  PoolTracker track(Object pool, int library, Object owner) {
    PoolTracker tracker = trackers.get(pool);
    if (tracker == null) {
      tracker = trackers.track(pool, p -> newTracker(p, library, owner));
    }
    if (owner != null && tracker != PoolTracker.IGNORED && tracker.series == null) {
      tracker.seenWith(owner);
    }
    return tracker;
  }

  private PoolTracker newTracker(Object pool, int library, Object owner) {
    if (AgentThreads.isAgentThread() || library < 0 || library >= adapters.length
        || Plumbing.ignored(pool.getClass())) {
      return PoolTracker.IGNORED;
    }
    PoolAdapter adapter = adapters[library];
    if (adapter == null || !adapter.accepts(pool)) {
      return PoolTracker.IGNORED;
    }
    String firstSight = null;
    try {
      firstSight = adapter.nameAtFirstSight(pool);
    } catch (RuntimeException | LinkageError e) {
      AgentLog.debug("cannot name a " + adapter.library() + " pool from its first use", e);
    }
    return new PoolTracker(pool, adapter, owner, sampling.newSampler(), firstSight);
  }

  /**
   * The series a pool reports under, fixed the first time it is asked for: its derived name,
   * renamed, made unique among live pools ({@code name#2}); past the cap, the overflow series.
   */
  PoolSeries series(PoolTracker tracker) {
    PoolSeries series = tracker.series;
    if (series != null) {
      return series;
    }
    series = assignSeries(tracker);
    trackers.named(tracker);
    return series;
  }

  private PoolSeries assignSeries(PoolTracker tracker) {
    String base = naming.rename(derive(tracker));
    synchronized (this) {
      if (tracker.series != null) {
        return tracker.series;
      }
      PoolDomain domain = tracker.adapter.domain();
      if (tracker.released) {
        return overflow[domain.ordinal()]; // gone unnamed, asked for by a stray late record: no name for the dead
      }
      if (names.isFullOrTaken(base)) {
        live();
      }
      String name = names.claim(base);
      tracker.series = name == null ? overflow[domain.ordinal()] : new PoolSeries(name, domain, false);
      return tracker.series;
    }
  }

  /** The pool's name before renames: configured, else from its URL, else a class. */
  private static String derive(PoolTracker tracker) {
    Object pool = tracker.pool();
    Object owner = tracker.owner();
    String configured = null;
    String url = null;
    String fallback = null;
    if (pool != null) {
      PoolAdapter adapter = tracker.adapter;
      try {
        configured = adapter.configuredName(pool, owner);
      } catch (Exception | LinkageError e) {
        AgentLog.debug("cannot read the configured name of a " + adapter.library() + " pool", e);
      }
      try {
        url = configured == null ? adapter.jdbcUrl(pool, owner) : null;
      } catch (Exception | LinkageError e) {
        AgentLog.debug("cannot read the JDBC URL of a " + adapter.library() + " pool", e);
      }
      try {
        fallback = configured != null || url != null ? null
            : tracker.firstSightName != null ? tracker.firstSightName : adapter.fallbackName(pool, owner);
      } catch (Exception | LinkageError e) {
        AgentLog.debug("cannot name a " + adapter.library() + " pool", e);
      }
    }
    return PoolNaming.derive(configured, url, fallback, tracker.type);
  }

  /** The pools to report now. Drops those collected or closed, releasing their names. */
  synchronized List<PoolTracker> live() {
    return trackers.sweep(PoolTracker::pool, PoolRegistry::closed, this::release);
  }

  private static boolean closed(PoolTracker tracker, Object pool) {
    try {
      return tracker.adapter.isClosed(pool);
    } catch (Exception | LinkageError e) {
      return false;
    }
  }

  private synchronized void release(PoolTracker tracker) {
    tracker.released = true;
    PoolSeries series = tracker.series;
    if (series == null) {
      return;
    }
    if (series.overflow) {
      series.retiredTimeouts.add(tracker.timeouts.sum());
      series.retiredSheds.add(tracker.sheds.sum());
    } else {
      names.release(series.name);
      Retired gone = retired.under(series.name, name -> new Retired(series));
      gone.timeouts += tracker.timeouts.sum();
      gone.sheds += tracker.sheds.sum();
    }
    // It keeps its series object (a collection that listed it before may still ask), not its name.
  }

  /** The final counts kept under {@code name}, to add to the live pool reporting it; or null. */
  Retired retired(String name) {
    return retired.get(name);
  }

  /** Takes the final counts no live pool reports under: reported alone, this once. */
  List<Retired> takeUnreported(Set<String> reported) {
    return retired.takeUnreported(reported);
  }

  /** What pools that are gone counted, under one series name; written under the registry's lock. */
  static final class Retired {
    final PoolSeries series;
    volatile long timeouts;
    volatile long sheds;

    Retired(PoolSeries series) {
      this.series = series;
    }
  }

  /** All trackers but the ignored marker, for housekeeping. */
  List<PoolTracker> all() {
    return trackers.all();
  }

  Cap routeCap() {
    return routeCap;
  }

  PoolSeries overflowSeries(PoolDomain domain) {
    return overflow[domain.ordinal()];
  }
}
