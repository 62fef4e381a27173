package dev.spillway.agent.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Controlled delay, driven by a synthetic clock: every transition at an exact time. */
class CoDelTest {

  static final long MS = 1_000_000L;
  final CoDel codel = new CoDel(5 * MS, 100 * MS);

  @Test
  void aBurstThatDrainsWithinTheIntervalIsNeverShed() {
    codel.onDequeue(50 * MS, 0);
    codel.onDequeue(30 * MS, 60 * MS);
    codel.onDequeue(2 * MS, 90 * MS);   // below target: the burst is over
    codel.onDequeue(40 * MS, 150 * MS); // a new one starts counting afresh
    assertThat(codel.isShedding()).isFalse();
    assertThat(codel.shouldShed(1000)).isFalse();
  }

  @Test
  void shedsOnceWaitStaysAboveTargetForAWholeInterval() {
    codel.onDequeue(6 * MS, 0);
    codel.onDequeue(7 * MS, 99 * MS);
    assertThat(codel.isShedding()).isFalse();
    codel.onDequeue(6 * MS, 100 * MS);
    assertThat(codel.isShedding()).isTrue();
    assertThat(codel.shouldShed(10)).isTrue();
  }

  @Test
  void shortWaitsWhileSheddingDoNotEndIt() {
    codel.onDequeue(6 * MS, 0);
    codel.onDequeue(6 * MS, 100 * MS);
    assertThat(codel.isShedding()).isTrue();
    // Admitted work waits little because of the shedding itself: that is no reason to stop.
    codel.onDequeue(1 * MS, 110 * MS);
    codel.tick(120 * MS, 0, 1);
    assertThat(codel.isShedding()).isTrue();
  }

  @Test
  void sheddingEndsAfterAWholeIntervalWithoutARefusal() {
    codel.onDequeue(6 * MS, 0);
    codel.onDequeue(6 * MS, 100 * MS);
    codel.tick(100 * MS, 3, 0);
    assertThat(codel.shouldShed(3)).isTrue();
    codel.tick(150 * MS, 1, 5);   // the refusal is seen at 150 ms
    assertThat(codel.shouldShed(0)).isFalse();
    codel.tick(249 * MS, 0, 9);
    assertThat(codel.isShedding()).isTrue();
    codel.tick(250 * MS, 0, 10);
    assertThat(codel.isShedding()).isFalse();
    assertThat(codel.shouldShed(100)).isFalse();
  }

  @Test
  void aStuckQueueKeepsSheddingThroughAQuietInterval() {
    codel.tick(0, 2, 0);
    codel.tick(5 * MS, 2, 0);     // nothing left for a whole target: a standing queue
    codel.tick(105 * MS, 2, 0);   // for a whole interval: shed
    assertThat(codel.isShedding()).isTrue();
    // No request comes, so nothing is refused; but nothing leaves either.
    codel.tick(300 * MS, 2, 0);
    assertThat(codel.isShedding()).isTrue();
    // Work leaves again, and nothing was refused for an interval: shedding ends.
    codel.tick(420 * MS, 1, 1);
    codel.tick(421 * MS, 1, 1);
    assertThat(codel.isShedding()).isFalse();
  }

  @Test
  void timePassesWhenNothingLeavesAStuckQueue() {
    codel.tick(0, 3, 10);
    // Nothing taken since: after one target the oldest has waited that long...
    codel.tick(5 * MS, 3, 10);
    assertThat(codel.isShedding()).isFalse();
    // ...and after a whole interval above target, shed, though no task left the queue.
    codel.tick(104 * MS, 8, 10);
    assertThat(codel.isShedding()).isFalse();
    codel.tick(105 * MS, 8, 10);
    assertThat(codel.isShedding()).isTrue();
  }

  @Test
  void anEmptyQueueEndsAStandingQueueBeforeSheddingStarts() {
    codel.onDequeue(6 * MS, 0);
    codel.tick(50 * MS, 0, 1);
    codel.onDequeue(6 * MS, 100 * MS);
    assertThat(codel.isShedding()).isFalse();
  }

  @Test
  void whileSheddingAdmitsWhatDrainsWithinTheTarget() {
    // 1000 tasks per second leave the queue: 5 of them drain within the 5 ms target.
    long dequeues = 0;
    for (long t = 0; t <= 500 * MS; t += 10 * MS) {
      codel.tick(t, 50, dequeues);
      dequeues += 10;
    }
    assertThat(codel.admitBelow()).isEqualTo(5);
    codel.onDequeue(6 * MS, 510 * MS);
    codel.onDequeue(6 * MS, 610 * MS);
    assertThat(codel.shouldShed(4)).isFalse();
    assertThat(codel.shouldShed(5)).isTrue();
  }

  @Test
  void admitsAtLeastOneWhenThroughputIsLow() {
    long dequeues = 0;
    for (long t = 0; t <= 500 * MS; t += 10 * MS) {
      codel.tick(t, 3, dequeues);
      dequeues += t % (100 * MS) == 0 ? 1 : 0; // 10 per second: 0.05 per target
    }
    codel.onDequeue(6 * MS, 510 * MS);
    codel.onDequeue(6 * MS, 610 * MS);
    assertThat(codel.admitBelow()).isEqualTo(1);
    assertThat(codel.shouldShed(0)).isFalse();
    assertThat(codel.shouldShed(1)).isTrue();
  }
}
