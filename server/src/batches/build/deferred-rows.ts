import type { BatchDataFile, Provenance } from '../../../../lib/contract';
import type { JsonPieces } from '../examples/prompt-json';
import type { SourceRow } from '../source';
import { evalRow, fromAnnotation, sourceLine, type BatchOutput, type EvalExample, type RowOutput, type RowSource } from './batch-output';
import type { BuildNotes } from './build-notes';
import { RowSpill } from './row-spill';

const EVAL: BatchDataFile = 'eval.jsonl';

/**
 * The output of a phase whose sources.jsonl lines must wait: the relevance phase's, which runs
 * beside the replies' and comes after it in the files, and the replies' own, whose SFT rows are
 * only known once the pass is over (sft-rows.ts). Rows of the files the phase owns go straight to
 * them; its eval.jsonl rows (unless it owns eval.jsonl too) and every sources.jsonl line are held
 * back (RowSpill) and written by `flush`, so the files read exactly as if each row had been
 * written in turn. An eval row's line number is only known then; its sources line is completed
 * with it. `reserve` holds a place for a row decided later, which `flush` hands to its caller.
 */
export class DeferredRows implements RowOutput {
  private readonly spill = new RowSpill();

  constructor(
    private readonly output: BatchOutput,
    private readonly notes: BuildNotes,
    /** The files this phase alone writes. */
    private readonly own: readonly BatchDataFile[],
  ) {}

  async write(file: BatchDataFile, row: object, source: RowSource): Promise<void> {
    await this.writeJson(file, JSON.stringify(row), source);
  }

  async writeJson(file: BatchDataFile, json: string | JsonPieces, source: RowSource): Promise<void> {
    this.output.tally(file, source);
    if (file === EVAL && !this.own.includes(EVAL)) {
      const text = typeof json === 'string' ? json : Buffer.concat(json.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))).toString('utf8');
      // JSON text has no raw tab or newline: `E<row>\t<source>` is one line, split back unambiguously.
      return this.spill.add(`E${text}\t${JSON.stringify(source)}`);
    }
    if (!this.own.includes(file)) throw new Error(`${file} is written by another phase too; its rows cannot be deferred`);
    const line = this.output.lineOf(file);
    await this.output.writeRowOnly(file, json);
    await this.spill.add(`S${sourceLine(file, line, source)}`);
  }

  async writeEval(example: EvalExample, from: SourceRow, ticket: string, provenance: Provenance): Promise<void> {
    this.notes.exclude(`eval.${example.task}`);
    await this.write(EVAL, evalRow(example), fromAnnotation(from, ticket, provenance, null, example.label));
  }

  /** A place among the held-back lines for a row that will be decided when they are written. */
  async reserve(): Promise<void> {
    await this.spill.add('R');
  }

  /** Writes the held-back rows to the batch's files, in the order they came; at each reserved place, calls `reserved`, which may write a row (with its sources line). */
  async flush(reserved: () => Promise<void> = async () => {}): Promise<void> {
    for await (const held of this.spill.lines()) {
      if (held === 'R') {
        await reserved();
        continue;
      }
      if (held[0] === 'S') {
        await this.output.writeRowOnly('sources.jsonl', held.slice(1));
        continue;
      }
      const tab = held.indexOf('\t');
      const line = this.output.lineOf(EVAL);
      await this.output.writeRowOnly(EVAL, held.slice(1, tab));
      await this.output.writeRowOnly('sources.jsonl', sourceLine(EVAL, line, JSON.parse(held.slice(tab + 1)) as RowSource));
    }
  }

  async close(): Promise<void> {
    await this.spill.close();
  }
}
