/**
 * Checks labelled dataset folders before anyone evaluates on them, and prints their counts:
 *
 *   npx tsx datasets/check.ts                      # every folder in datasets/ that has a kb/
 *   npx tsx datasets/check.ts datasets/parcelpoint
 *
 * Exits 1 and lists every problem if an article or ticket cannot be read or an id does not line up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvalInputError } from '../server/src/knowledge/evaluation';
import { KbImportError } from '../server/src/knowledge/sources/source-article';
import { checkDataset } from './check-dataset';

const here = path.dirname(fileURLToPath(import.meta.url));
const targets = process.argv.length > 2
  ? process.argv.slice(2)
  : fs.readdirSync(here).map((d) => path.join(here, d)).filter((d) => fs.existsSync(path.join(d, 'kb')));
let failed = false;
for (const dir of targets) {
  try {
    const { counts, problems } = checkDataset(dir);
    console.log(counts.join('\n'));
    if (problems.length > 0) {
      failed = true;
      console.error(`${dir}: ${problems.length} problems:\n  ${problems.join('\n  ')}`);
    }
  } catch (error) {
    if (!(error instanceof KbImportError || error instanceof EvalInputError)) throw error;
    failed = true;
    console.error(`${dir}: ${error.message}`);
  }
}
process.exit(failed ? 1 : 0);
