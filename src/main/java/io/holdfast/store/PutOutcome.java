package io.holdfast.store;

/** The result of a create-only upload: both are success for content-addressed data. */
public enum PutOutcome {
    CREATED,
    ALREADY_EXISTS
}
