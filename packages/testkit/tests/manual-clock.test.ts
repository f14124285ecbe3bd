import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@weir/testkit';

describe('ManualClock', () => {
  it('sleepers wake only when advance reaches their time, earliest first', async () => {
    const clock = new ManualClock(0);
    const woke: string[] = [];
    const a = clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    const b = clock.sleep(50).then(() => woke.push(`b@${clock.now()}`));
    await clock.waitForSleepers(2);
    clock.advance(49);
    await Promise.resolve();
    assert.deepEqual(woke, []);
    clock.advance(51);
    await Promise.all([a, b]);
    assert.deepEqual(woke, ['b@100', 'a@100']);
    assert.equal(clock.pendingSleepers, 0);
  });

  it('waitForSleepers resolves when the code under test parks in sleep()', async () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(1000);
        ticks++;
      }
    })();
    for (let i = 1; i <= 3; i++) {
      await clock.waitForSleepers();
      assert.equal(clock.nextWakeUp, i * 1000);
      clock.advance(1000);
    }
    await loop;
    assert.equal(ticks, 3);
    assert.equal(clock.now(), 3000);
  });

  it('an aborted sleep rejects with the signal reason and stops waiting', async () => {
    const clock = new ManualClock(0);
    const ac = new AbortController();
    const p = clock.sleep(1000, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    assert.equal(clock.pendingSleepers, 0);
    await assert.rejects(clock.sleep(5, ac.signal), /stop/);
  });

  it('never goes backwards and sleep(0) resolves at once', async () => {
    const clock = new ManualClock(10);
    await clock.sleep(0);
    assert.throws(() => clock.setTime(5), RangeError);
    await assert.rejects(clock.waitForSleepers(1, 20), /0 sleeper/);
  });
});
