/**
 * @packageDocumentation
 * Test kit for weir: fault-injecting MemoryStorage, ManualClock, conformance suites and a stream test DSL.
 */
export {};
