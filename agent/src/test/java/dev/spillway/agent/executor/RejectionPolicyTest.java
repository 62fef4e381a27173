package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;

class RejectionPolicyTest {

  /** A subclass may behave differently from the JDK's policy, so it is not reported as one. */
  private static final class LoggingAbortPolicy extends ThreadPoolExecutor.AbortPolicy {}

  @Test
  void jdkPoliciesAreRecognisedByExactClass() {
    assertThat(RejectionPolicy.of(new ThreadPoolExecutor.AbortPolicy())).isEqualTo(RejectionPolicy.ABORT);
    assertThat(RejectionPolicy.of(new ThreadPoolExecutor.CallerRunsPolicy()))
        .isEqualTo(RejectionPolicy.CALLER_RUNS);
    assertThat(RejectionPolicy.of(new ThreadPoolExecutor.DiscardPolicy())).isEqualTo(RejectionPolicy.DISCARD);
    assertThat(RejectionPolicy.of(new ThreadPoolExecutor.DiscardOldestPolicy()))
        .isEqualTo(RejectionPolicy.DISCARD_OLDEST);
  }

  @Test
  void subclassOfAJdkPolicyIsCustom() {
    assertThat(RejectionPolicy.of(new LoggingAbortPolicy())).isEqualTo(RejectionPolicy.CUSTOM);
  }

  @Test
  void lambdaAndNullAreCustom() {
    assertThat(RejectionPolicy.of((task, executor) -> { })).isEqualTo(RejectionPolicy.CUSTOM);
    assertThat(RejectionPolicy.of(null)).isEqualTo(RejectionPolicy.CUSTOM);
  }

  /** Stand-ins for Tomcat's handlers, nested in its executor as these are nested here. */
  private static final class RejectPolicy {}
  private static final class CallerRunsPolicy {}
  private static final class DiscardPolicy {}
  private static final class DiscardOldestPolicy {}

  @Test
  void aLibrarysCopiesOfTheJdkPoliciesAreRecognisedByName() {
    // Tomcat's default handler, RejectPolicy, throws as the JDK's AbortPolicy does.
    assertThat(RejectionPolicy.ofCopy(new RejectPolicy())).isEqualTo(RejectionPolicy.ABORT);
    assertThat(RejectionPolicy.ofCopy(new CallerRunsPolicy())).isEqualTo(RejectionPolicy.CALLER_RUNS);
    assertThat(RejectionPolicy.ofCopy(new DiscardPolicy())).isEqualTo(RejectionPolicy.DISCARD);
    assertThat(RejectionPolicy.ofCopy(new DiscardOldestPolicy())).isEqualTo(RejectionPolicy.DISCARD_OLDEST);
    assertThat(RejectionPolicy.ofCopy(new LoggingAbortPolicy())).isEqualTo(RejectionPolicy.CUSTOM);
    assertThat(RejectionPolicy.ofCopy(null)).isEqualTo(RejectionPolicy.CUSTOM);
  }

  @Test
  void attributeValuesAreSnakeCase() {
    assertThat(RejectionPolicy.CALLER_RUNS.value).isEqualTo("caller_runs");
    assertThat(RejectionPolicy.DISCARD_OLDEST.value).isEqualTo("discard_oldest");
    assertThat(RejectionReason.SATURATED.value).isEqualTo("saturated");
  }
}
