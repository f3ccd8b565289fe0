import { BATCH_DATA_FILES, type BatchDataFile, type ChatMessage, type Provenance } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import { BatchFileWriter, type WrittenFile } from '../files';
import type { JsonPieces } from '../examples/prompt-json';
import type { SourceRow } from '../source';
import type { BuildNotes } from './build-notes';

/** Where a row of a batch file comes from: its line in sources.jsonl (trainers never see it). */
export interface RowSource {
  annotationIds: string[];
  impressionIds: string[];
  ticket: string;
  provenance: Provenance | null;
  rejectedProvenance: Provenance | null;
  signal: string | null;
  anchor: boolean;
}

/** The source of a row made from one annotation. */
export function fromAnnotation(
  row: SourceRow,
  ticket: string,
  provenance: Provenance | null,
  rejectedProvenance: Provenance | null,
  signal: string | null,
  anchor = false,
): RowSource {
  return { annotationIds: [row.annotation.id], impressionIds: [row.annotation.impressionId], ticket, provenance, rejectedProvenance, signal, anchor };
}

/** A held-out example of eval.jsonl: every task's fields, null where the task has none. */
export interface EvalExample {
  task: 'reply' | 'preference' | 'relevance';
  prompt: ChatMessage[];
  reference?: string;
  chosen?: string;
  rejected?: string;
  query?: string;
  passage?: string;
  label: string | null;
}

/** Where a phase writes its rows: the batch's files (BatchOutput), or rows held back to be written later (DeferredRows). */
export interface RowOutput {
  write(file: BatchDataFile, row: object, source: RowSource): Promise<void>;
  writeJson(file: BatchDataFile, json: string | JsonPieces, source: RowSource): Promise<void>;
  writeEval(example: EvalExample, from: SourceRow, ticket: string, provenance: Provenance): Promise<void>;
}

/** An eval.jsonl row: every task's fields, in one order, null where the task has none. */
export function evalRow(example: EvalExample): object {
  return {
    task: example.task,
    prompt: example.prompt,
    reference: example.reference ?? null,
    chosen: example.chosen ?? null,
    rejected: example.rejected ?? null,
    query: example.query ?? null,
    passage: example.passage ?? null,
    label: example.label,
  };
}

/** The sources.jsonl line of the `line`th row of `file`. */
export const sourceLine = (file: BatchDataFile, line: number, source: RowSource) => JSON.stringify({ file, line, ...source });

/**
 * The files of the batch being built: every row goes to its file and, at the same time, a line
 * pointing back at its annotations to sources.jsonl; the provenance of each file's rows is tallied
 * for the manifest.
 */
export class BatchOutput implements RowOutput {
  readonly provenance: Record<string, Record<string, number>> = {};
  private readonly writers: Record<BatchDataFile, BatchFileWriter>;

  constructor(
    db: Database,
    tenantId: string,
    number: number,
    private readonly notes: BuildNotes,
  ) {
    this.writers = Object.fromEntries(BATCH_DATA_FILES.map((name) => [name, new BatchFileWriter(db, tenantId, number, name)])) as Record<BatchDataFile, BatchFileWriter>;
  }

  async write(file: BatchDataFile, row: object, source: RowSource): Promise<void> {
    await this.writeJson(file, JSON.stringify(row), source);
  }

  /** A row already encoded: its JSON text, whole or in pieces (examples/prompt-json.ts). */
  async writeJson(file: BatchDataFile, json: string | JsonPieces, source: RowSource): Promise<void> {
    const line = this.lineOf(file);
    await this.writeRowOnly(file, json);
    this.tally(file, source);
    await this.writers['sources.jsonl'].writeRow(sourceLine(file, line, source));
  }

  /** The 0-based line the next row of `file` will have. */
  lineOf(file: BatchDataFile): number {
    return this.writers[file].line;
  }

  /** A row of `file` whose sources.jsonl line the caller writes itself (DeferredRows). */
  async writeRowOnly(file: BatchDataFile, json: string | JsonPieces): Promise<void> {
    if (typeof json === 'string') await this.writers[file].writeRow(json);
    else await this.writers[file].writePieces(json);
  }

  /** Counts the row's provenance for the manifest. */
  tally(file: BatchDataFile, source: RowSource): void {
    if (!source.provenance) return;
    const tally = (this.provenance[file] ??= {});
    tally[source.provenance] = (tally[source.provenance] ?? 0) + 1;
  }

  /** A held-out example: written to eval.jsonl, counted as kept out of training. */
  async writeEval(example: EvalExample, from: SourceRow, ticket: string, provenance: Provenance): Promise<void> {
    this.notes.exclude(`eval.${example.task}`);
    await this.write('eval.jsonl', evalRow(example), fromAnnotation(from, ticket, provenance, null, example.label));
  }

  /** Flushes every file; the list is in BATCH_DATA_FILES order. */
  async close(): Promise<WrittenFile[]> {
    const files: WrittenFile[] = [];
    for (const name of BATCH_DATA_FILES) files.push(await this.writers[name].close());
    return files;
  }
}
