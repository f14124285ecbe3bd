// Writes one run's results as machine-readable JSON, a Markdown table and an SVG bar chart
// (rows/s per scenario and engine) under benchmarks/results/. Ratios, not absolute numbers, are
// what to compare across machines: every baseline runs in the same process on the same files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, totalmem, platform, release } from 'node:os';

export interface Measurement {
  readonly scenario: string;
  readonly engine: string; // 'weir (1 thread)', 'duckdb', 'naive js', …
  readonly rows: number;
  readonly seconds: number;
  /** Process CPU seconds (all threads) during the measurement, when taken. */
  readonly cpuSeconds?: number;
  readonly note?: string;
}

export interface RunResult {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string };
  readonly measurements: readonly Measurement[];
  readonly figures: Readonly<Record<string, number | string>>;
  readonly micro: readonly { name: string; hz: number; rme: number }[];
}

export function machine(): RunResult['machine'] {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

export const rowsPerSecond = (m: Measurement): number => (m.seconds > 0 ? m.rows / m.seconds : 0);

const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

export function markdown(r: RunResult): string {
  const lines = [
    `Run ${r.startedAt}${r.quick ? ' (quick)' : ''} — ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.os}, Node ${r.machine.node}`,
    '',
    '| scenario | engine | rows | seconds | rows/s | CPU s | rows per CPU-s | note |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...r.measurements.map(
      (m) =>
        `| ${m.scenario} | ${m.engine} | ${m.rows.toLocaleString('en-US')} | ${m.seconds.toFixed(2)} | ${fmt(rowsPerSecond(m))} | ` +
        `${m.cpuSeconds === undefined ? '' : m.cpuSeconds.toFixed(2)} | ${m.cpuSeconds ? fmt(m.rows / m.cpuSeconds) : ''} | ${m.note ?? ''} |`,
    ),
    '',
    '| figure | value |',
    '|---|---:|',
    ...Object.entries(r.figures).map(([k, v]) => `| ${k} | ${typeof v === 'number' ? fmt(v) : v} |`),
  ];
  if (r.micro.length > 0) {
    lines.push('', '| micro benchmark | ops/s | ±% |', '|---|---:|---:|', ...r.micro.map((m) => `| ${m.name} | ${fmt(m.hz)} | ${m.rme.toFixed(1)} |`));
  }
  return lines.join('\n') + '\n';
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}

/** A horizontal bar chart of rows/s, one bar per (scenario, engine). */
export function svgChart(r: RunResult): string {
  const bars = r.measurements.filter((m) => m.rows > 0);
  const max = Math.max(1, ...bars.map(rowsPerSecond));
  const rowH = 22;
  const labelW = 300;
  const chartW = 460;
  const height = 40 + bars.length * rowH;
  const items = bars.map((m, i) => {
    const y = 30 + i * rowH;
    const w = Math.max(1, (rowsPerSecond(m) / max) * chartW);
    const color = m.engine.startsWith('weir') ? '#2b6cb0' : m.engine === 'duckdb' ? '#d69e2e' : '#718096';
    return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" font-size="12">${escapeXml(`${m.scenario} · ${m.engine}`)}</text>` +
      `<rect x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"/>` +
      `<text x="${labelW + w + 4}" y="${y + 14}" font-size="11">${escapeXml(fmt(rowsPerSecond(m)))} rows/s</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + chartW + 140}" height="${height}" font-family="sans-serif">` +
    `<text x="10" y="18" font-size="14" font-weight="bold">${escapeXml(`weir benchmarks — rows/s (${r.machine.cores} cores, ${r.startedAt.slice(0, 10)})`)}</text>` +
    items.join('') + '</svg>\n';
}

export async function writeResults(dir: string, r: RunResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  const base = r.quick ? 'latest-quick' : 'latest';
  await writeFile(join(dir, `${base}.json`), JSON.stringify(r, null, 2) + '\n');
  await writeFile(join(dir, `${base}.md`), markdown(r));
  await writeFile(join(dir, `${base}.svg`), svgChart(r));
}
