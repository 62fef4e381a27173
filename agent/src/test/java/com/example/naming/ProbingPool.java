package com.example.naming;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** An application's executor subclass that runs a probe inside its own constructor. */
public final class ProbingPool extends ThreadPoolExecutor {

  final String probed;

  ProbingPool(Supplier<String> probe) {
    super(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    this.probed = probe.get();
  }
}
