package dev.spillway.agent.status;

import java.util.List;

/** A family's live targets, one row each, for {@code spillway status}. Called off the hot path. */
public interface StatusSource {

  List<TargetStatus> status();
}
