/**
 * @packageDocumentation
 * PySpark-like DataFrame API, logical plan, analyzer, physical plan and JavaScript code generation.
 */
export {};
