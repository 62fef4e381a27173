package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

class AssignedFieldTest {

  /** A queue that notes, as it is built, the frame of the code that builds it. */
  static final class Probe extends ArrayBlockingQueue<Object> {
    final StackWalker.StackFrame creator;

    Probe() {
      super(1);
      creator = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
          .walk(frames -> frames.skip(1).findFirst().orElseThrow());
    }
  }

  static final Probe STATIC_PROBE = new Probe();

  Probe inbox = new Probe();
  BlockingQueue<Object> outbox;
  final Probe later;

  AssignedFieldTest() {
    later = new Probe();
  }

  private static String field(Probe probe) {
    return AssignedField.of(probe.creator, Probe.class);
  }

  @Test
  void fieldInitializerAndConstructorAssignments() {
    assertThat(field(inbox)).isEqualTo("inbox");
    assertThat(field(later)).isEqualTo("later");
  }

  @Test
  void staticField() {
    assertThat(field(STATIC_PROBE)).isEqualTo("STATIC_PROBE");
  }

  @Test
  void assignmentInAMethod() {
    outbox = new Probe();
    assertThat(field((Probe) outbox)).isEqualTo("outbox");
  }

  @Test
  void noFieldForLocalsReturnsAndArguments() {
    Probe local = new Probe();
    assertThat(field(local)).isNull();
    assertThat(field(make())).isNull();
    assertThat(field(pass(new Probe()))).isNull();
  }

  @Test
  void anotherClassAtTheFrameGivesNothing() {
    // The frame stands at Probe's constructor call: asked for another class, it does not match.
    assertThat(AssignedField.of(inbox.creator, ArrayBlockingQueue.class)).isNull();
  }

  @Test
  void classesWithoutAClassFileGiveNothing() {
    Runnable lambda = () -> { };
    assertThat(AssignedField.find(lambda.getClass(), "run", "()V", 0, Probe.class.getName())).isNull();
  }

  private static Probe make() {
    return new Probe();
  }

  private static Probe pass(Probe probe) {
    return probe;
  }

  /** A queue that notes the frame of the code that inserts into it. */
  static final class InsertProbe extends ArrayBlockingQueue<Object> {
    StackWalker.StackFrame inserter;

    InsertProbe() {
      super(4);
    }

    @Override
    public boolean offer(Object item) {
      inserter = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
          .walk(frames -> frames.skip(1).findFirst().orElseThrow());
      return super.offer(item);
    }
  }

  InsertProbe handoff = new InsertProbe();
  static BlockingQueue<Object> shared = new InsertProbe();

  private static String receiver(StackWalker.StackFrame frame) {
    return AssignedField.receiverField(frame, InsertProbe.class);
  }

  @Test
  void anInsertNamesTheFieldTheQueueIsReadFrom() {
    Object item = new Object();
    if (item.hashCode() != 0 && handoff.offer(item)) {
      assertThat(receiver(handoff.inserter)).isEqualTo(AssignedFieldTest.class.getName() + ".handoff");
    }
    shared.offer(item);
    assertThat(receiver(((InsertProbe) shared).inserter)).isEqualTo(AssignedFieldTest.class.getName() + ".shared");
  }

  @Test
  void anInsertThroughALocalOrAMethodNamesNoField() {
    InsertProbe local = handoff;
    local.offer(new Object());
    assertThat(receiver(local.inserter)).isNull();
    queue().offer(new Object());
    assertThat(receiver(handoff.inserter)).isNull();
  }

  private InsertProbe queue() {
    return handoff;
  }
}
