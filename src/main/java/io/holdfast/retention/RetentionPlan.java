package io.holdfast.retention;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The decision for every release (live ones newest first, then retired ones most recently retired first), and
 * why a run must not carry it out without {@code --force}.
 *
 * @param now     the store time the plan was made at
 * @param refusal why the plan removes too much, or null when it is within the policy's limits
 */
public record RetentionPlan(Instant now, RetentionPolicy policy, List<Decision> decisions, String refusal) {
    public RetentionPlan {
        decisions = List.copyOf(decisions);
    }

    public Optional<String> refused() {
        return Optional.ofNullable(refusal);
    }

    public long count(Action action) {
        return decisions.stream().filter(d -> d.action() == action).count();
    }

    public List<Decision> with(Action action) {
        return decisions.stream().filter(d -> d.action() == action).toList();
    }
}
