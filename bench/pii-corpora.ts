/**
 * PII redaction on the corpus it was tuned on beside the holdout it never saw: recall (share of PII
 * values gone from the output) and near-miss survival (share of order numbers, versions, dates...
 * left verbatim), overall and per PII type, then what the holdout missed or destroyed.
 *
 *   npm run bench:pii
 */
import { RowRedactor } from '../server/src/redaction/pii';
import { holdoutCorpus, percent, scoreCorpus, tunedCorpus, type PiiScore } from '../server/test/helpers/pii-corpora';

const redact = (text: string) => new RowRedactor({}).redact(text);
const tuned = await scoreCorpus(tunedCorpus(), redact);
const holdout = await scoreCorpus(holdoutCorpus(), redact);

const cell = (s: PiiScore, type?: string) => {
  const t = type ? s.byType[type] : s;
  return t ? `${percent(t.found, t.total)} (${t.found}/${t.total})` : '-';
};
const rows: string[][] = [
  ['', 'tuned corpus', 'holdout (never tuned on)'],
  ['cases', String(tuned.cases), String(holdout.cases)],
  ['recall', cell(tuned), cell(holdout)],
  ['near-miss survival', `${percent(tuned.kept, tuned.keeps)} (${tuned.kept}/${tuned.keeps})`, `${percent(holdout.kept, holdout.keeps)} (${holdout.kept}/${holdout.keeps})`],
  ...[...new Set([...Object.keys(tuned.byType), ...Object.keys(holdout.byType)])].sort().map((type) => [`  recall ${type}`, cell(tuned, type), cell(holdout, type)]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

for (const [name, s] of [['tuned corpus', tuned], ['holdout', holdout]] as const) {
  if (s.misses.length) console.log(`\n${name}, missed:\n  ${s.misses.join('\n  ')}`);
  if (s.destroyed.length) console.log(`\n${name}, near-misses destroyed:\n  ${s.destroyed.join('\n  ')}`);
}
