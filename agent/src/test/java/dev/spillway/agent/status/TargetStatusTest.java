package dev.spillway.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetStatusTest {

  private static TargetStatus executor(String name, long depth, long capacity, long rejected, String rules) {
    return new TargetStatus("executor", name, "java.util.concurrent.ThreadPoolExecutor", depth, capacity, 1, 2,
        rejected, 0, 10, 1_000, rules);
  }

  @Test
  void targetsPastTheCapAreOneRowPerKindWithTheirSums() {
    List<TargetStatus> rows = new ArrayList<>();
    rows.add(executor("orders", 3, 3, 1, ""));
    for (int i = 0; i < 9_803; i++) {
      rows.add(executor(TargetStatus.OVERFLOW, 1, 4, 2, i == 7 ? "cap" : ""));
    }
    rows.add(new TargetStatus("pool", TargetStatus.OVERFLOW, "org.apache.commons.pool2.impl.GenericObjectPool",
        0, -1, 1, 2, 0, 0, -1, 5, ""));
    rows.add(new TargetStatus("pool", TargetStatus.OVERFLOW, "org.apache.commons.pool2.impl.GenericObjectPool",
        2, -1, 2, 2, 1, 1, -1, 9, ""));

    List<TargetStatus> shown = TargetStatus.summedBySeries(rows);

    assertThat(shown).extracting(TargetStatus::getKind, TargetStatus::getName).containsExactly(
        org.assertj.core.groups.Tuple.tuple("executor", "orders"),
        org.assertj.core.groups.Tuple.tuple("executor", TargetStatus.OVERFLOW),
        org.assertj.core.groups.Tuple.tuple("pool", TargetStatus.OVERFLOW));
    TargetStatus executors = shown.get(1);
    assertThat(executors.getDepth()).isEqualTo(9_803);
    assertThat(executors.getCapacity()).isEqualTo(4 * 9_803);
    assertThat(executors.getActive()).isEqualTo(9_803);
    assertThat(executors.getMax()).isEqualTo(2 * 9_803);
    assertThat(executors.getRejected()).isEqualTo(2 * 9_803);
    assertThat(executors.getCompleted()).isEqualTo(10 * 9_803);
    assertThat(executors.getRules()).isEqualTo("cap");
    TargetStatus pools = shown.get(2);
    assertThat(pools.getDepth()).isEqualTo(2);
    assertThat(pools.getActive()).isEqualTo(3);
    assertThat(pools.getMax()).isEqualTo(4);
    // Unknown for one pool: unknown for the sum.
    assertThat(pools.getCapacity()).isEqualTo(-1);
    assertThat(pools.getCompleted()).isEqualTo(-1);
    assertThat(pools.getWaitP99Nanos()).isEqualTo(9);
  }

  @Test
  void executorsOfOneSeriesAreOneRowWithTheirSums() {
    List<TargetStatus> rows = new ArrayList<>();
    rows.add(executor("boundedElastic", 3, -1, 0, ""));
    rows.add(executor("orders", 1, 8, 0, ""));
    rows.add(executor("boundedElastic", 4, -1, 1, "hot"));

    List<TargetStatus> shown = TargetStatus.summedBySeries(rows);

    assertThat(shown).extracting(TargetStatus::getName).containsExactly("boundedElastic", "orders");
    TargetStatus elastic = shown.get(0);
    assertThat(elastic.getDepth()).isEqualTo(7);
    assertThat(elastic.getCapacity()).isEqualTo(-1);
    assertThat(elastic.getActive()).isEqualTo(2);
    assertThat(elastic.getMax()).isEqualTo(4);
    assertThat(elastic.getRejected()).isEqualTo(1);
    assertThat(elastic.getRules()).isEqualTo("hot");
    assertThat(elastic.getType()).isEqualTo("java.util.concurrent.ThreadPoolExecutor");
    assertThat(shown.get(1).getDepth()).isEqualTo(1);
  }
}
