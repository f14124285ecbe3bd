/**
 * A name as an object-literal key: quoted, and computed for `__proto__`, which as a plain
 * literal key would set the prototype instead of defining a column. (Only that one is computed:
 * computed keys keep V8 from cloning the literal's boilerplate.)
 */
export function literalKey(name: string): string {
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}
