import { DeltaTable } from '@weir/delta-log';
import { createNodeEngine } from '@weir/node';
const e = createNodeEngine();
const T = '/work/shared/testdata/delta/';
for (const t of process.argv.slice(2)) {
  try {
    const s = await DeltaTable.forPath(e, T + t + '/delta').snapshot();
    const rows = await s.collect();
    console.log(t, 'v', s.version, 'rows', rows.length, JSON.stringify(rows.slice(0, 2)));
  } catch (err) { console.log(t, 'ERR', (err as any).code, (err as any).message?.slice(0, 200)); }
}
