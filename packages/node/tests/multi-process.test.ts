import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-node-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const child = fileURLToPath(new URL('./fixtures/race-child.ts', import.meta.url));

function start(args: string[]): { proc: ChildProcess; lines: AsyncIterator<string>; exited: Promise<unknown> } {
  const proc = spawn(process.execPath, ['--conditions=@weir/source', '--import', 'tsx', child, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Listen for exit now: a child may exit before the test gets around to waiting for it.
  const exited = new Promise((res) => proc.once('exit', res));
  const queue: string[] = [];
  const waiting: Array<(s: string) => void> = [];
  let buf = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  const lines: AsyncIterator<string> = {
    next: () => {
      const q = queue.shift();
      return Promise.resolve(q !== undefined ? { value: q, done: false } : new Promise<IteratorResult<string>>((res) => waiting.push((s) => res({ value: s, done: false }))));
    },
  };
  return { proc, lines, exited };
}

describe('FsStorage across processes', () => {
  it('of 4 processes racing put(ifAbsent) on the same paths exactly one wins each, and its content is stored', async () => {
    const dir = path.join(root, 'race');
    const n = 4;
    const rounds = 20;
    const children = Array.from({ length: n }, (_, id) => start(['race', dir, String(id), String(rounds)]));
    for (const c of children) assert.equal((await c.lines.next()).value, 'ready');
    for (const c of children) c.proc.stdin?.write('go\n'); // as close to simultaneous as the parent can make it
    const reports = await Promise.all(children.map(async (c) => JSON.parse((await c.lines.next()).value as string) as { id: number; outcomes: string[] }));
    await Promise.all(children.map((c) => c.exited));
    for (let r = 0; r < rounds; r++) {
      const winners = reports.filter((rep) => rep.outcomes[r] === 'won').map((rep) => rep.id);
      assert.equal(winners.length, 1, `round ${r}: winners ${winners.join(',')}`);
      for (const rep of reports) if (rep.outcomes[r] !== 'won') assert.equal(rep.outcomes[r], 'FILE_ALREADY_EXISTS');
      assert.equal(fs.readFileSync(path.join(dir, `round-${r}`), 'utf8'), `child-${winners[0]}-round-${r}-`.repeat(2000));
    }
    // No temp file is left behind by a process that finished normally.
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('.')), []);
  });

  it('a process killed (SIGKILL) mid-put leaves the file whole: an old version or a new one, never a mix', async () => {
    const file = path.join(root, 'churn', 'state.bin');
    const size = 512 * 1024;
    for (let attempt = 0; attempt < 3; attempt++) {
      const c = start(['churn', file, String(size)]);
      assert.equal((await c.lines.next()).value, 'ready');
      await new Promise((res) => setTimeout(res, 150 + attempt * 120));
      c.proc.kill('SIGKILL');
      await c.exited;
      if (!fs.existsSync(file)) continue; // killed before the first put completed: absent is fine
      const b = fs.readFileSync(file);
      assert.equal(b.length, size);
      assert.ok(b.every((x) => x === b[0]), 'a torn write is visible');
    }
    assert.ok(fs.existsSync(file), 'no put ever completed: the test did not exercise anything');
  });
});
