import { hash32, SeededRandom } from './prng.js';
import { MEASUREMENT_COLUMNS, WRONG_TYPE_VALUES } from './record-format.js';
import type { Reading, WeatherModel } from './weather-model.js';

/** What happened to a line on its way into a file. @internal */
export const LineKind = Object.freeze({
  CLEAN: 0,
  /** Held back and delivered in a later file (a late event). */
  DELAYED: 1,
  /** Cut short: not parseable. */
  TRUNCATED: 2,
  /** Parseable, but one measurement has the wrong type (`"temperature_c":"hot"`). */
  WRONG_TYPE: 3,
  /** One measurement field left out. */
  MISSING: 4,
});

/** The lines of one file, in write order, as parallel arrays (kept flat for the hot path). @internal */
export interface AssembledFile {
  readonly index: number;
  readonly readings: Reading[];
  /** {@link LineKind} per line. */
  readonly kinds: number[];
  /**
   * Per line: TRUNCATED → where to cut (0–1 of the cuttable span); WRONG_TYPE → index into
   * `WRONG_TYPE_VALUES`; MISSING → index into `MEASUREMENT_COLUMNS`.
   */
  readonly details: number[];
  /** Whether any line is a duplicate copy (lines sharing a Reading object). */
  readonly hasDuplicates: boolean;
  /**
   * Set when the file is exactly the clean rows `[first, first + count)` (no imperfections):
   * `readings` is then empty and writers generate rows on the fly, allocating nothing per row.
   */
  readonly range: { readonly first: number; readonly count: number } | null;
}

/** The imperfection knobs, as fractions in [0, 1] and µs. @internal */
export interface ImperfectionConfig {
  readonly lateFraction: number;
  readonly maxLatenessMicros: number;
  readonly outOfOrderFraction: number;
  readonly duplicateFraction: number;
  readonly malformedFraction: number;
  readonly missingFraction: number;
}

/** The simulated clock of a run: row i happens at `startMicros + i * stepMicros`. @internal */
export interface RunGrid {
  readonly seed: number;
  readonly startMicros: number;
  readonly stepMicros: number;
  readonly rowsPerFile: number;
  /** Index of the last file of the run, or Infinity for an open-ended run. */
  readonly lastFile: number;
}

/**
 * Builds each file's lines: file `f` covers rows `[f·M, (f+1)·M)` of the simulated clock, then
 * per-file seeded choices apply the imperfections:
 *
 * 1. each row is, exclusively, late (held back), malformed (truncated or wrong-typed), missing a
 *    field, or clean (malformed and missing fractions apply to the rows not held back);
 * 2. rows held back from earlier files for this one are inserted at random places;
 * 3. clean rows get exact duplicate copies placed later in the same file;
 * 4. a fraction of lines swap with their next line (out of order within the file).
 *
 * A late row from file f goes to a file g > f chosen so that its lateness behind every earlier
 * file — `max(event_time of files < g) − event_time ≤ maxLateness` — holds: g ≤
 * ⌊(i + 1 + ⌊maxLateness/step⌋) / M⌋. Only the ⌊maxLateness/step⌋ rows before a file's last row can
 * fit (the last row always lands on time and whole, so held-back rows are behind it), so late rows are drawn among those with probability `lateFraction · M / eligible`
 * (capped at 1: with a small maxLateness, fewer rows than asked can be late). The last file
 * of a bounded run has no later file, so it holds no late rows of its own.
 * @internal
 */
export class FileAssembler {
  readonly #model: WeatherModel;
  readonly #grid: RunGrid;
  readonly #imp: ImperfectionConfig;
  readonly #any: boolean;
  /** Late rows waiting for their delivery file. */
  readonly #pending = new Map<number, Reading[]>();

  constructor(model: WeatherModel, grid: RunGrid, imperfections: ImperfectionConfig) {
    this.#model = model;
    this.#grid = grid;
    this.#imp = imperfections;
    this.#any =
      imperfections.lateFraction > 0 ||
      imperfections.outOfOrderFraction > 0 ||
      imperfections.duplicateFraction > 0 ||
      imperfections.malformedFraction > 0 ||
      imperfections.missingFraction > 0;
  }

  /** Late rows generated but not delivered yet. */
  get pendingCount(): number {
    let n = 0;
    for (const list of this.#pending.values()) n += list.length;
    return n;
  }

  /** The simulated clock this assembler follows. */
  get grid(): RunGrid {
    return this.#grid;
  }

  /** The lines of file `f` (call in order f = 0, 1, …). */
  assemble(f: number): AssembledFile {
    const { rowsPerFile: m, startMicros, stepMicros } = this.#grid;
    const model = this.#model;
    const first = f * m;
    if (!this.#any) return { index: f, readings: [], kinds: [], details: [], hasDuplicates: false, range: { first, count: m } };
    const imp = this.#imp;
    const rnd = new SeededRandom(hash32(this.#grid.seed ^ 0x51f1e, f));
    const kinds: number[] = [];
    const details: number[] = [];
    const lines: Reading[] = [];
    const slack = Math.floor(imp.maxLatenessMicros / stepMicros);
    // Only rows near the file's end can be late within maxLateness (see the class doc): pick
    // among those with a boosted probability so that ~lateFraction of the file's rows are late.
    // The file's last row always lands on time and whole: it sets the file's newest event time,
    // which every row held back from this file is behind (that is what makes it observably late).
    const eligible = f < this.#grid.lastFile ? Math.min(m - 1, slack) : 0;
    const pLate = eligible === 0 ? 0 : Math.min(1, (imp.lateFraction * m) / eligible);
    const malformedEdge = imp.malformedFraction;
    const missingEdge = malformedEdge + imp.missingFraction;
    for (let j = 0; j < m; j++) {
      const i = first + j;
      const r = model.reading(i, startMicros + i * stepMicros);
      if (j === m - 1) {
        lines.push(r), kinds.push(LineKind.CLEAN), details.push(0);
        continue;
      }
      if (pLate > 0 && rnd.next() < pLate) {
        const lastTarget = Math.min(Math.floor((i + 1 + slack) / m), this.#grid.lastFile);
        if (lastTarget >= f + 1) {
          const g = f + 1 + rnd.nextInt(lastTarget - f);
          const list = this.#pending.get(g);
          if (list === undefined) this.#pending.set(g, [r]);
          else list.push(r);
          continue;
        }
      }
      const u = missingEdge > 0 ? rnd.next() : 1;
      if (u < malformedEdge) {
        const truncated = rnd.next() < 0.5;
        lines.push(r);
        kinds.push(truncated ? LineKind.TRUNCATED : LineKind.WRONG_TYPE);
        details.push(truncated ? rnd.next() : rnd.nextInt(WRONG_TYPE_VALUES.length));
      } else if (u < missingEdge) {
        lines.push(r), kinds.push(LineKind.MISSING), details.push(rnd.nextInt(MEASUREMENT_COLUMNS.length));
      } else {
        lines.push(r), kinds.push(LineKind.CLEAN), details.push(0);
      }
    }
    const late = this.#pending.get(f);
    if (late !== undefined) {
      this.#pending.delete(f);
      // Each held-back row goes after a random line; one merge pass (splicing would be quadratic).
      const after = late.map(() => rnd.nextInt(lines.length + 1) - 1);
      const order = late.map((_, k) => k).sort((a, b) => (after[a] as number) - (after[b] as number) || a - b);
      const l2: Reading[] = [];
      const k2: number[] = [];
      const d2: number[] = [];
      let o = 0;
      while (o < order.length && (after[order[o] as number] as number) < 0) {
        l2.push(late[order[o++] as number] as Reading), k2.push(LineKind.DELAYED), d2.push(0);
      }
      for (let k = 0; k < lines.length; k++) {
        l2.push(lines[k] as Reading), k2.push(kinds[k] as number), d2.push(details[k] as number);
        while (o < order.length && after[order[o] as number] === k) {
          l2.push(late[order[o++] as number] as Reading), k2.push(LineKind.DELAYED), d2.push(0);
        }
      }
      return this.#finish(f, l2, k2, d2, rnd);
    }
    return this.#finish(f, lines, kinds, details, rnd);
  }

  /**
   * A last file holding every late row still pending (an open-ended run was stopped), or null
   * when none is pending. Its rows are delivered as late rows without further imperfections.
   */
  flush(f: number): AssembledFile | null {
    const lines: Reading[] = [];
    for (const g of [...this.#pending.keys()].sort((a, b) => a - b)) lines.push(...(this.#pending.get(g) as Reading[]));
    this.#pending.clear();
    if (lines.length === 0) return null;
    lines.sort((a, b) => a.i - b.i);
    return {
      index: f,
      readings: lines,
      kinds: new Array<number>(lines.length).fill(LineKind.DELAYED),
      details: new Array<number>(lines.length).fill(0),
      hasDuplicates: false,
      range: null,
    };
  }

  #finish(f: number, lines: Reading[], kinds: number[], details: number[], rnd: SeededRandom): AssembledFile {
    const imp = this.#imp;
    let hasDuplicates = false;
    if (imp.duplicateFraction > 0) {
      // Copies go after their original: insertAfter[k] lists copies placed after line k.
      const n = lines.length;
      const insertAfter = new Map<number, Reading[]>();
      for (let k = 0; k < n; k++) {
        if (kinds[k] !== LineKind.CLEAN || rnd.next() >= imp.duplicateFraction) continue;
        const after = k + rnd.nextInt(n - k);
        const list = insertAfter.get(after);
        if (list === undefined) insertAfter.set(after, [lines[k] as Reading]);
        else list.push(lines[k] as Reading);
      }
      if (insertAfter.size > 0) {
        hasDuplicates = true;
        const l2: Reading[] = [];
        const k2: number[] = [];
        const d2: number[] = [];
        for (let k = 0; k < n; k++) {
          l2.push(lines[k] as Reading), k2.push(kinds[k] as number), d2.push(details[k] as number);
          const copies = insertAfter.get(k);
          if (copies !== undefined) for (const c of copies) l2.push(c), k2.push(LineKind.CLEAN), d2.push(0);
        }
        lines = l2;
        kinds = k2;
        details = d2;
      }
    }
    if (imp.outOfOrderFraction > 0) {
      // Local disorder: a picked line swaps with the next one, so about `outOfOrderFraction` of
      // lines end up older than an earlier line. (A wider shuffle moves a newer row far up and
      // makes every line it jumps over "out of order", inflating the count well past the fraction.)
      for (let k = 0; k < lines.length - 1; k++) {
        if (rnd.next() >= imp.outOfOrderFraction) continue;
        const j = k + 1;
        [lines[k], lines[j]] = [lines[j] as Reading, lines[k] as Reading];
        [kinds[k], kinds[j]] = [kinds[j] as number, kinds[k] as number];
        [details[k], details[j]] = [details[j] as number, details[k] as number];
      }
    }
    return { index: f, readings: lines, kinds, details, hasDuplicates, range: null };
  }
}
