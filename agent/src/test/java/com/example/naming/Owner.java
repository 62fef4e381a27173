package com.example.naming;

import java.util.function.Supplier;

/**
 * Application code, as far as {@code ExecutorNaming.callSite()} can tell: it lives outside
 * {@code dev.spillway}, whose frames (test classes included) are skipped as agent plumbing.
 * The tests hand it the call to make, so that this class is the first non-plumbing frame.
 */
public final class Owner {

  private Owner() {}

  /** Runs {@code call} from a frame of this class. */
  public static <T> T call(Supplier<T> call) {
    return call.get();
  }

  /** Constructs an executor subclass whose constructor runs {@code probe}; returns its result. */
  public static String constructPool(Supplier<String> probe) {
    ProbingPool pool = new ProbingPool(probe);
    pool.shutdown();
    return pool.probed;
  }
}
