package dev.spillway.agent.executor;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/** The executor's rejection handler, as {@code jvm.executor.rejection.policy}. */
public enum RejectionPolicy {
  ABORT("abort"),
  CALLER_RUNS("caller_runs"),
  DISCARD("discard"),
  DISCARD_OLDEST("discard_oldest"),
  /** Any other handler, including subclasses of the JDK's: they may behave differently. */
  CUSTOM("custom");

  final String value;

  RejectionPolicy(String value) {
    this.value = value;
  }

  static RejectionPolicy of(RejectedExecutionHandler handler) {
    Class<?> type = handler == null ? null : handler.getClass();
    if (type == ThreadPoolExecutor.AbortPolicy.class) {
      return ABORT;
    }
    if (type == ThreadPoolExecutor.CallerRunsPolicy.class) {
      return CALLER_RUNS;
    }
    if (type == ThreadPoolExecutor.DiscardPolicy.class) {
      return DISCARD;
    }
    if (type == ThreadPoolExecutor.DiscardOldestPolicy.class) {
      return DISCARD_OLDEST;
    }
    return CUSTOM;
  }

  /**
   * A library's copy of the JDK's handlers (Tomcat's, nested in its own executor), by the name of
   * the handler's class; Tomcat's default {@code RejectPolicy} throws, as abort does.
   */
  public static RejectionPolicy ofCopy(Object handler) {
    if (handler == null) {
      return CUSTOM;
    }
    String name = handler.getClass().getName();
    switch (name.substring(name.lastIndexOf('$') + 1)) {
      case "AbortPolicy":
      case "RejectPolicy":
        return ABORT;
      case "CallerRunsPolicy":
        return CALLER_RUNS;
      case "DiscardPolicy":
        return DISCARD;
      case "DiscardOldestPolicy":
        return DISCARD_OLDEST;
      default:
        return CUSTOM;
    }
  }
}
