/** Parses ../shared/testdata/delta/MANIFEST.md into one case per table row. */
import fs from 'node:fs';
import path from 'node:path';
import { TESTDATA } from './engines.js';

export interface ManifestCase {
  readonly table: string;
  readonly latestVersion: number;
  readonly protocol: string;
  readonly features: readonly string[];
  readonly files: number;
  readonly rowsInFiles: string;
  readonly dvFiles: number;
  readonly rowsAtLatest: string;
  readonly rowsExpectedByOrigin: string;
  readonly configuration: string;
}

export function readManifest(): ManifestCase[] {
  const text = fs.readFileSync(path.join(TESTDATA, 'MANIFEST.md'), 'utf8');
  const out: ManifestCase[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | table | latest | protocol | features | partition | files | checkpoint | rows with stats | rows in files | DV | rows at latest | origin | txn | configuration |
    if (cells.length < 15 || !/^v-?\d+$/.test(cells[2] ?? '')) continue;
    out.push({
      table: cells[1] as string,
      latestVersion: Number((cells[2] as string).slice(1)),
      protocol: cells[3] as string,
      features: cells[4] === '-' ? [] : (cells[4] as string).split(','),
      files: Number(cells[6]),
      rowsInFiles: cells[9] as string,
      dvFiles: Number(cells[10]),
      rowsAtLatest: cells[11] as string,
      rowsExpectedByOrigin: cells[12] as string,
      configuration: cells[14] as string,
    });
  }
  return out;
}
