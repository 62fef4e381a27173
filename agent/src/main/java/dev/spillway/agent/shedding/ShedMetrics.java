package dev.spillway.agent.shedding;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.Set;

/**
 * Spillway's own rule metrics: {@code spillway.shed}, {@code spillway.rule.active} and
 * {@code spillway.rules.reloads}, all read from the engine at collection time.
 */
public final class ShedMetrics {

  static final String SHED = "spillway.shed";
  static final String RULE_ACTIVE = "spillway.rule.active";
  static final String RELOADS = "spillway.rules.reloads";

  static final AttributeKey<String> RULE = AttributeKey.stringKey("spillway.rule.name");
  static final AttributeKey<String> KIND = AttributeKey.stringKey("spillway.target.kind");
  static final AttributeKey<String> TARGET = AttributeKey.stringKey("spillway.target.name");
  static final AttributeKey<String> MODE = AttributeKey.stringKey("spillway.mode");
  static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");

  private static final Attributes OK = Attributes.of(RESULT, "ok");
  private static final Attributes ERROR = Attributes.of(RESULT, "error");

  private ShedMetrics() {}

  public static void register(Meter meter, RuleEngine engine) {
    ObservableLongMeasurement shed = meter.counterBuilder(SHED).setUnit("{item}")
        .setDescription("Work refused by a shedding rule (tasks, queue items or connection requests);"
            + " in dry-run mode, what would have been refused.")
        .buildObserver();
    ObservableLongMeasurement active = meter.gaugeBuilder(RULE_ACTIVE).ofLongs().setUnit("1")
        .setDescription("1 while the rule is shedding (or, in dry-run, would shed) on some target, else 0.")
        .buildObserver();
    ObservableLongMeasurement reloads = meter.counterBuilder(RELOADS).setUnit("{reload}")
        .setDescription("Rule sets put in force (result=ok) or refused as invalid (result=error).")
        .buildObserver();
    meter.batchCallback(() -> {
      engine.forEachShed((rule, kind, target, mode, count) -> shed.record(count,
          Attributes.of(RULE, rule, KIND, kind.value(), TARGET, target, MODE, mode.value())));
      Set<String> shedding = engine.activeRules();
      for (Rule rule : engine.rules().rules()) {
        active.record(shedding.contains(rule.name()) ? 1 : 0, Attributes.of(RULE, rule.name()));
      }
      reloads.record(engine.reloads(true), OK);
      reloads.record(engine.reloads(false), ERROR);
    }, shed, active, reloads);
  }
}
