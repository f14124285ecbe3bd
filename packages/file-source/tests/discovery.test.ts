import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StructType, type Offset, type Source } from '@weir/core';
import { MemoryFs, batchFiles, cloudFiles, readBatch } from './helpers/harness.js';

const SCHEMA = StructType.fromDDL('id BIGINT');
const T0 = 1_700_000_000_000;

/** Writes /in/<name> holding `{"id":<id>}` (size = its byte length) at time T0 + i seconds. */
function land(fs: MemoryFs, name: string, i: number, body = `{"id":${i}}\n`): void {
  fs.write(`/in/${name}`, body, T0 + i * 1000);
}

async function source(fs: MemoryFs, options: Record<string, string> = {}, path = '/in'): Promise<Source> {
  return cloudFiles(fs, { 'cloudFiles.format': 'json', ...options }, { userSchema: SCHEMA, path });
}

/** Runs batches until idle; returns each batch's file names. */
async function drain(src: Source, start: Offset | null = null, limit = src.getDefaultReadLimit()): Promise<{ batches: string[][]; end: Offset | null }> {
  const batches: string[][] = [];
  let cur = start;
  for (;;) {
    const end = await src.latestOffset(cur, limit);
    if (end === null || JSON.stringify(end) === JSON.stringify(cur)) return { batches, end: cur };
    batches.push((await batchFiles(src, cur, end)).map((p) => p.slice(p.lastIndexOf('/') + 1)));
    await src.commit(end);
    cur = end;
  }
}

describe('discovery and admission', () => {
  it('admits files in modification-time order, maxFilesPerTrigger per batch (default read limit carries it)', async () => {
    const fs = new MemoryFs();
    // Names deliberately out of time order: the order must follow modification time.
    land(fs, 'c.json', 1);
    land(fs, 'a.json', 2);
    land(fs, 'b.json', 3);
    land(fs, 'd.json', 4);
    land(fs, 'e.json', 5);
    const src = await source(fs, { 'cloudFiles.maxFilesPerTrigger': '2' });
    assert.deepEqual(src.getDefaultReadLimit(), { maxFiles: 2 });
    const { batches } = await drain(src);
    assert.deepEqual(batches, [['c.json', 'a.json'], ['b.json', 'd.json'], ['e.json']]);
  });

  it('defaults maxFilesPerTrigger to 1000 (Auto Loader)', async () => {
    const fs = new MemoryFs();
    for (let i = 0; i < 1005; i++) land(fs, `f${String(i).padStart(5, '0')}.json`, i);
    const src = await source(fs);
    assert.deepEqual(src.getDefaultReadLimit(), { maxFiles: 1000 });
    const { batches } = await drain(src);
    assert.deepEqual(batches.map((b) => b.length), [1000, 5]);
  });

  it('maxBytesPerTrigger is a soft maximum: at least one file, and the file crossing the limit is admitted', async () => {
    const fs = new MemoryFs();
    const body = (n: number) => 'x'.repeat(n - 1) + '\n'; // exact sizes
    land(fs, 'big.json', 1, body(500));
    land(fs, 's1.json', 2, body(100));
    land(fs, 's2.json', 3, body(100));
    land(fs, 's3.json', 4, body(100));
    land(fs, 's4.json', 5, body(100));
    const src = await source(fs, { 'cloudFiles.maxBytesPerTrigger': '150b' });
    assert.deepEqual(src.getDefaultReadLimit(), { maxFiles: 1000, maxBytes: 150 });
    const { batches } = await drain(src);
    // big (500 > 150) alone: the >=1 file rule; then 100 < 150 admits a second file (200 >= 150 stops).
    assert.deepEqual(batches, [['big.json'], ['s1.json', 's2.json'], ['s3.json', 's4.json']]);
  });

  it('with maxFiles and maxBytes, whichever is hit first', async () => {
    const fs = new MemoryFs();
    for (let i = 1; i <= 6; i++) land(fs, `f${i}.json`, i, 'x'.repeat(99) + '\n');
    const src = await source(fs, { 'cloudFiles.maxFilesPerTrigger': '2', 'cloudFiles.maxBytesPerTrigger': '1k' });
    assert.deepEqual((await drain(src)).batches.map((b) => b.length), [2, 2, 2]);
    const fs2 = new MemoryFs();
    for (let i = 1; i <= 6; i++) land(fs2, `f${i}.json`, i, 'x'.repeat(99) + '\n');
    const src2 = await source(fs2, { 'cloudFiles.maxFilesPerTrigger': '5', 'cloudFiles.maxBytesPerTrigger': '250b' });
    assert.deepEqual((await drain(src2)).batches.map((b) => b.length), [3, 3]);
  });

  it('an explicit ReadLimit from the engine (e.g. availableNow batches) overrides the default', async () => {
    const fs = new MemoryFs();
    for (let i = 1; i <= 3; i++) land(fs, `f${i}.json`, i);
    const src = await source(fs);
    assert.deepEqual((await drain(src, null, { maxFiles: 1 })).batches, [['f1.json'], ['f2.json'], ['f3.json']]);
  });

  it('latestFirst admits the newest files first', async () => {
    const fs = new MemoryFs();
    for (let i = 1; i <= 4; i++) land(fs, `f${i}.json`, i);
    const src = await source(fs, { latestFirst: 'true', 'cloudFiles.maxFilesPerTrigger': '3' });
    assert.deepEqual((await drain(src)).batches, [['f4.json', 'f3.json', 'f2.json'], ['f1.json']]);
  });

  it('skips temp and hidden files (names starting with . or _), lists recursively, reads Hive partition directories', async () => {
    const fs = new MemoryFs();
    land(fs, '.f1.json.tmp', 1);
    land(fs, '_SUCCESS', 2);
    land(fs, '_tmp/f.json', 3);
    land(fs, 'station=A/day=2024-06-01/f4.json', 4);
    land(fs, 'station=B/day=2024-06-02/f5.json', 5);
    land(fs, 'sub/deeper/f6.json', 6);
    const src = await cloudFiles(
      fs,
      { 'cloudFiles.format': 'json' },
      { userSchema: StructType.fromDDL('id BIGINT, station STRING, day DATE'), path: '/in' },
    );
    const end = await src.latestOffset(null, src.getDefaultReadLimit());
    assert.ok(end);
    const rows = await readBatch(src, fs, null, end);
    assert.deepEqual(rows, [
      { id: 4, station: 'A', day: 19875 },
      { id: 5, station: 'B', day: 19876 },
      { id: 6, station: null, day: null },
    ]);
  });

  it('cloudFiles.partitionColumns limits which key=value directories become columns', async () => {
    const fs = new MemoryFs();
    land(fs, 'station=A/day=2024-06-01/f1.json', 1);
    const src = await cloudFiles(
      fs,
      { 'cloudFiles.format': 'json', 'cloudFiles.partitionColumns': 'station' },
      { userSchema: StructType.fromDDL('id BIGINT, station STRING, day STRING'), path: '/in' },
    );
    const end = await src.latestOffset(null, {});
    assert.deepEqual(await readBatch(src, fs, null, end!), [{ id: 1, station: 'A', day: null }]);
  });

  it('honours a glob in the input path and pathGlobFilter on file names', async () => {
    const fs = new MemoryFs();
    land(fs, '2024-01/a.json', 1);
    land(fs, '2024-02/b.json', 2);
    land(fs, '2023-12/c.json', 3);
    land(fs, '2024-03/d.csv', 4);
    const src = await source(fs, { pathGlobFilter: '*.json' }, '/in/2024-*');
    assert.deepEqual((await drain(src)).batches, [['a.json', 'b.json']]);
    const src2 = await cloudFiles(fs, { 'cloudFiles.format': 'json' }, { userSchema: SCHEMA, path: '/in/{2023-12,2024-02}/*.json', metadataPath: '/ck2' });
    assert.deepEqual((await drain(src2)).batches, [['b.json', 'c.json']]);
  });

  it('modifiedAfter / modifiedBefore filter by modification time (exclusive)', async () => {
    const fs = new MemoryFs();
    for (let i = 1; i <= 5; i++) land(fs, `f${i}.json`, i);
    const iso = (i: number) => new Date(T0 + i * 1000).toISOString().slice(0, 19);
    const src = await source(fs, { modifiedAfter: iso(1), modifiedBefore: iso(5) });
    assert.deepEqual((await drain(src)).batches, [['f2.json', 'f3.json', 'f4.json']]);
  });

  it('includeExistingFiles=false skips files present at the first start, durably (also after a restart)', async () => {
    const fs = new MemoryFs();
    land(fs, 'old1.json', 1);
    land(fs, 'old2.json', 2);
    const src = await source(fs, { 'cloudFiles.includeExistingFiles': 'false' });
    assert.equal(await src.latestOffset(null, {}), null);
    land(fs, 'new1.json', 3);
    const first = await drain(src);
    assert.deepEqual(first.batches, [['new1.json']]);
    // A restart with the same option must not treat old files as "existing at first start" again, nor re-read new1.
    land(fs, 'new2.json', 4);
    const again = await source(fs.restart(), { 'cloudFiles.includeExistingFiles': 'false' });
    assert.deepEqual((await drain(again, first.end)).batches, [['new2.json']]);
  });

  it('never re-admits a file after a restart; allowOverwrites re-admits a file modified later', async () => {
    const fs = new MemoryFs();
    land(fs, 'f1.json', 1);
    const src = await source(fs);
    const a = await drain(src);
    assert.deepEqual(a.batches, [['f1.json']]);
    land(fs, 'f1.json', 9, '{"id":100}\n'); // overwritten in place, newer mtime
    const restarted = await source(fs.restart());
    assert.deepEqual((await drain(restarted, a.end)).batches, []);
    const overwrites = await cloudFiles(fs, { 'cloudFiles.format': 'json', 'cloudFiles.allowOverwrites': 'true' }, { userSchema: SCHEMA });
    const b = await drain(overwrites, a.end);
    assert.deepEqual(b.batches, [['f1.json']]);
  });

  it('fileNameOnly identifies files by name: the same name in another directory is not new', async () => {
    const fs = new MemoryFs();
    land(fs, 'x/f1.json', 1);
    const src = await source(fs, { fileNameOnly: 'true' });
    const a = await drain(src);
    land(fs, 'y/f1.json', 2);
    land(fs, 'y/f2.json', 3);
    assert.deepEqual((await drain(src, a.end)).batches, [['f2.json']]);
    const fs2 = new MemoryFs();
    land(fs2, 'x/f1.json', 1);
    land(fs2, 'y/f1.json', 2);
    assert.deepEqual((await drain(await source(fs2))).batches, [['f1.json', 'f1.json']]);
  });

  it('maxFileAge ignores files older than the newest seen minus the age, and bounds the index after compaction', async () => {
    const fs = new MemoryFs();
    land(fs, 'f1.json', 1);
    const src = await source(fs, { 'cloudFiles.maxFileAge': '1 hour', 'cloudFiles.maxFilesPerTrigger': '1' });
    let cur = (await drain(src)).end;
    land(fs, 'f2.json', 3 * 3600); // 3 hours later
    cur = (await drain(src, cur)).end;
    land(fs, 'late.json', 2); // arrives now but its mtime is older than newest (3h) - 1h
    assert.deepEqual((await drain(src, cur)).batches, []);
    // Many more batches: compaction drops f1 (expired) from the durable index.
    for (let i = 0; i < 12; i++) land(fs, `g${i}.json`, 3 * 3600 + 10 + i);
    cur = (await drain(src, cur)).end;
    const names = [...fs.files.keys()].filter((p) => p.startsWith('/ckpt/sources/0/'));
    const compact = names.find((p) => p.endsWith('.compact'));
    assert.ok(compact, `expected a compact file among ${names.join(', ')}`);
    const text = new TextDecoder().decode(fs.files.get(compact)!.data);
    assert.ok(!text.includes('/in/f1.json'), 'expired entry must be dropped at compaction');
    assert.ok(text.includes('/in/f2.json'));
  });

  it('compacts the log: a bounded number of files, and a restart still knows every admitted file', async () => {
    const fs = new MemoryFs();
    const src = await source(fs, { 'cloudFiles.maxFilesPerTrigger': '1' });
    let cur: Offset | null = null;
    for (let i = 1; i <= 35; i++) {
      land(fs, `f${i}.json`, i);
      cur = (await drain(src, cur)).end;
    }
    const logFiles = [...fs.files.keys()].filter((p) => p.startsWith('/ckpt/sources/0/'));
    assert.ok(logFiles.length <= 12, `log has ${logFiles.length} files: ${logFiles.join(', ')}`);
    assert.equal(logFiles.filter((p) => p.endsWith('.compact')).length, 1);
    const restarted = await source(fs.restart());
    land(fs, 'f36.json', 36);
    assert.deepEqual((await drain(restarted, cur)).batches, [['f36.json']]);
  });

  it('a log entry written before a crash (never in the engine WAL) is handed out again, identical, not re-listed', async () => {
    const fs = new MemoryFs();
    land(fs, 'f1.json', 1);
    land(fs, 'f2.json', 2);
    const src = await source(fs, { 'cloudFiles.maxFilesPerTrigger': '1' });
    const e1 = await src.latestOffset(null, src.getDefaultReadLimit());
    // "Crash": the engine never wrote offsets/0. More files land; restart from start = null.
    land(fs, 'f0.json', 0);
    const restarted = await source(fs.restart(), { 'cloudFiles.maxFilesPerTrigger': '1' });
    const again = await restarted.latestOffset(null, restarted.getDefaultReadLimit());
    assert.deepEqual(again, e1);
    assert.deepEqual(await batchFiles(restarted, null, again!), ['/in/f1.json']);
  });

  it('reports numFilesOutstanding / numBytesOutstanding and the latest batch size', async () => {
    const fs = new MemoryFs();
    for (let i = 1; i <= 5; i++) land(fs, `f${i}.json`, i, 'x'.repeat(9) + '\n');
    const src = await source(fs, { 'cloudFiles.maxFilesPerTrigger': '2' });
    await src.latestOffset(null, src.getDefaultReadLimit());
    const m = src.metrics!(null);
    assert.equal(m['numFilesOutstanding'], '3');
    assert.equal(m['numBytesOutstanding'], '30');
    assert.equal(m['latestBatchNumFiles'], '2');
    assert.equal(m['latestBatchNumBytes'], '20');
  });

  it('prepareForTriggerAvailableNow pins the files present then; later arrivals wait for the next run', async () => {
    const fs = new MemoryFs();
    for (let i = 1; i <= 3; i++) land(fs, `f${i}.json`, i);
    const src = await source(fs, { 'cloudFiles.maxFilesPerTrigger': '2' });
    await src.prepareForTriggerAvailableNow!();
    const e1 = await src.latestOffset(null, src.getDefaultReadLimit());
    land(fs, 'f4.json', 4);
    const e2 = await src.latestOffset(e1, src.getDefaultReadLimit());
    assert.deepEqual(await batchFiles(src, e1, e2!), ['/in/f3.json']);
    assert.deepEqual(await src.latestOffset(e2, src.getDefaultReadLimit()), e2);
  });

  it('availableNow batches take their files from the listing made by prepareForTriggerAvailableNow: the input is listed once per run', async () => {
    const fs = new MemoryFs();
    for (let i = 1; i <= 5; i++) land(fs, `f${i}.json`, i);
    let lists = 0;
    const list = fs.list.bind(fs);
    fs.list = (dir, options) => {
      lists++;
      return list(dir, options);
    };
    const src = await source(fs, { 'cloudFiles.maxFilesPerTrigger': '2' });
    await src.prepareForTriggerAvailableNow!();
    const listedAtPrepare = lists;
    assert.ok(listedAtPrepare > 0);
    const { batches } = await drain(src);
    assert.deepEqual(batches, [['f1.json', 'f2.json'], ['f3.json', 'f4.json'], ['f5.json']]);
    assert.equal(lists, listedAtPrepare, 'no listing after prepare');
  });

  it('cleanSource=archive moves committed files under sourceArchiveDir; delete removes them', async () => {
    const fs = new MemoryFs();
    land(fs, 'f1.json', 1);
    const src = await source(fs, { cleanSource: 'archive', sourceArchiveDir: '/archive' });
    const end = await src.latestOffset(null, {});
    await readBatch(src, fs, null, end!);
    assert.ok(fs.files.has('/in/f1.json'), 'not cleaned before commit');
    await src.commit(end!);
    assert.ok(!fs.files.has('/in/f1.json'));
    assert.equal(new TextDecoder().decode(fs.files.get('/archive/in/f1.json')!.data), '{"id":1}\n');

    const fs2 = new MemoryFs();
    land(fs2, 'f1.json', 1);
    const del = await source(fs2, { cleanSource: 'delete' });
    const e = await del.latestOffset(null, {});
    await batchFiles(del, null, e!);
    await del.commit(e!);
    assert.ok(!fs2.files.has('/in/f1.json'));
  });

  it('useIncrementalListing=true lists only after the greatest path seen: lexically later files are found, an earlier name is not', async () => {
    const fs = new MemoryFs();
    land(fs, 'f1.json', 1);
    land(fs, 'f2.json', 2);
    land(fs, 'f3.json', 3);
    const src = await source(fs, { 'cloudFiles.useIncrementalListing': 'true', 'cloudFiles.maxFilesPerTrigger': '2' });
    const a = await drain(src);
    assert.deepEqual(a.batches, [['f1.json', 'f2.json'], ['f3.json']], 'backlog beyond the rate limit is kept between triggers');
    land(fs, 'f4.json', 4);
    land(fs, 'a0.json', 5); // sorts before f3: invisible to incremental listing (Auto Loader's documented trade-off)
    const b = await drain(src, a.end);
    assert.deepEqual(b.batches, [['f4.json']]);
    // Full listing (the default) finds it.
    const full = await source(fs.restart());
    assert.deepEqual((await drain(full, b.end)).batches, [['a0.json']]);
  });

  it("Auto Loader's cloudFiles.cleanSource=MOVE + moveDestination archives like cleanSource=archive", async () => {
    const fs = new MemoryFs();
    land(fs, 'f1.json', 1);
    const src = await source(fs, { 'cloudFiles.cleanSource': 'MOVE', 'cloudFiles.cleanSource.moveDestination': '/moved' });
    const end = await src.latestOffset(null, {});
    await batchFiles(src, null, end!);
    await src.commit(end!);
    assert.ok(!fs.files.has('/in/f1.json'));
    assert.ok(fs.files.has('/moved/in/f1.json'));
    await assert.rejects(source(fs, { 'cloudFiles.cleanSource': 'MOVE' }), { code: 'CF_INVALID_OPTION_COMBINATION' });
  });

  it('rejects unknown or ill-typed options with INVALID_OPTION, and an archive dir under the input', async () => {
    const fs = new MemoryFs();
    await assert.rejects(source(fs, { 'cloudFiles.maxFilesPerTriger': '1' }), { code: 'INVALID_OPTION' });
    await assert.rejects(source(fs, { 'cloudFiles.maxFilesPerTrigger': '0' }), { code: 'INVALID_OPTION' });
    await assert.rejects(source(fs, { cleanSource: 'archive' }), { code: 'CF_INVALID_OPTION_COMBINATION' });
    await assert.rejects(source(fs, { cleanSource: 'archive', sourceArchiveDir: '/in/archive' }), { code: 'CF_INVALID_OPTION_COMBINATION' });
    await assert.rejects(cloudFiles(fs, {}, { userSchema: SCHEMA }), { code: 'CF_FILE_FORMAT_REQUIRED' });
  });
});
