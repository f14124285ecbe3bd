import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType } from '@weir/core';
import { collectSourceRefs, frameFromSource, remapSourceIndices } from './planner-bridge.js';

const schema = StructType.fromDDL('id LONG, v STRING');

describe('remapSourceIndices', () => {
  it('renumbers the sources of a plan to per-query ordinals and leaves the input untouched', () => {
    const left = frameFromSource({ index: 41, format: 'memory', schema });
    const right = frameFromSource({ index: 7, format: 'rate', schema });
    const plan = left.union(right.select('id', 'v')).where('id > 1').plan;
    const ordinal = new Map([
      [7, 0],
      [41, 1],
    ]);
    const remapped = remapSourceIndices(plan, (i) => ordinal.get(i) as number);
    assert.deepEqual(
      collectSourceRefs(remapped).map((r) => [r.index, r.format]),
      [
        [0, 'rate'],
        [1, 'memory'],
      ],
    );
    assert.deepEqual(
      collectSourceRefs(plan).map((r) => r.index),
      [7, 41],
    );
  });

  it('returns the same object when nothing needs renumbering (no sources)', () => {
    const plan = { kind: 'LocalRelation', schema, rows: [] };
    assert.equal(remapSourceIndices(plan, () => 0), plan);
  });
});
