// Every schemaString found in the shared Delta tables (written by Spark and delta-rs) must parse
// and serialise back to the identical JSON text: StructType.toJSON is Spark's schema JSON.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StructType } from '@weir/core';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata/delta');

function deltaLogs(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    if (name === '_delta_log') out.push(p);
    else deltaLogs(p, out);
  }
  return out;
}

/** Distinct schemaStrings per table, from the JSON commits (metaData actions). */
function schemaStrings(): Map<string, string> {
  const found = new Map<string, string>();
  for (const log of deltaLogs(TESTDATA)) {
    for (const name of readdirSync(log).filter((n) => /^\d{20}\.json$/.test(n))) {
      for (const line of readFileSync(join(log, name), 'utf8').split('\n')) {
        if (!line.includes('"metaData"')) continue;
        let action: { metaData?: { schemaString?: unknown } };
        try {
          action = JSON.parse(line) as typeof action;
        } catch {
          continue; // hostile-log fixtures are the delta-log package's business
        }
        const s = action.metaData?.schemaString;
        if (typeof s === 'string' && !found.has(s)) found.set(s, `${relative(TESTDATA, log)}/${name}`);
      }
    }
  }
  return found;
}

describe('Spark schemaString round-trip over the shared Delta tables', () => {
  const strings = schemaStrings();
  it('finds a real corpus of schemas', () => {
    assert.ok(strings.size >= 50, `only ${strings.size} schemaStrings found under ${TESTDATA}`);
  });
  for (const [schemaString, where] of strings) {
    it(`parses and re-serialises identically: ${where}`, () => {
      const schema = StructType.fromJSON(schemaString);
      assert.equal(StructType.toJSON(schema), schemaString);
      // and the text form is stable through a second trip
      assert.equal(StructType.toJSON(StructType.fromJSON(StructType.toJSON(schema))), schemaString);
    });
  }
});
