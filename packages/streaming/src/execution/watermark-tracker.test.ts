import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WatermarkTracker } from './watermark-tracker.js';

const stats = (maxMs: number) => ({ min: 0, max: maxMs * 1000, sum: 0, count: 1 });

describe('WatermarkTracker (Spark semantics)', () => {
  it('is max event time − delay, and never moves backwards', () => {
    const t = new WatermarkTracker('min', 10_000);
    t.updateWatermark(new Map([[0, stats(100_000)]]));
    assert.equal(t.currentWatermark, 90_000);
    t.updateWatermark(new Map([[0, stats(50_000)]]));
    assert.equal(t.currentWatermark, 90_000);
    t.updateWatermark(new Map([[0, null]]));
    assert.equal(t.currentWatermark, 90_000);
  });

  it('combines inputs with the min (default) or max policy; inputs without data do not count', () => {
    const min = new WatermarkTracker('min', 0);
    const max = new WatermarkTracker('max', 0);
    for (const t of [min, max]) {
      t.updateWatermark(new Map([[0, stats(100)]]));
      t.updateWatermark(new Map([[1, stats(300)]]));
    }
    assert.equal(min.currentWatermark, 100);
    assert.equal(max.currentWatermark, 300);
  });

  it('subtracts each input its own delay (stream-stream join sides with different delays)', () => {
    const t = new WatermarkTracker('min', new Map([[0, 10], [1, 50]]));
    t.updateWatermark(new Map([[0, stats(100)], [1, stats(120)]]));
    assert.equal(t.currentWatermark, 70);
    const m = new WatermarkTracker('max', new Map([[0, 10], [1, 50]]));
    m.updateWatermark(new Map([[0, stats(100)], [1, stats(120)]]));
    assert.equal(m.currentWatermark, 90);
  });
});
