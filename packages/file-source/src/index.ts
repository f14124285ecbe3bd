/**
 * @packageDocumentation
 * File stream source with Auto Loader semantics: discovery, rate limits, schema inference and evolution, rescued data.
 */
export {};
