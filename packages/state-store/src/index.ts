/**
 * @packageDocumentation
 * Versioned key-value state store (delta + snapshot files) for weir's stateful operators, over the Engine.
 */
export {};
