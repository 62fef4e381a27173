package dev.spillway.agent.executor;

/** Why a task was rejected: the value of {@code jvm.executor.rejection.reason}. */
enum RejectionReason {
  /** Queue full and no thread may be added. */
  SATURATED("saturated"),
  /** The executor is shut down. */
  SHUTDOWN("shutdown"),
  /** A Spillway shedding rule refused it. */
  SHED("shed");

  final String value;

  RejectionReason(String value) {
    this.value = value;
  }
}
