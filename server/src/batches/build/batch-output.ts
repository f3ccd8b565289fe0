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

/**
 * The files of the batch being built: every row goes to its file and, at the same time, a line
 * pointing back at its annotations to sources.jsonl; the provenance of each file's rows is tallied
 * for the manifest.
 */
export class BatchOutput {
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
    const line = this.writers[file].line;
    if (typeof json === 'string') await this.writers[file].writeRow(json);
    else await this.writers[file].writePieces(json);
    if (source.provenance) {
      const tally = (this.provenance[file] ??= {});
      tally[source.provenance] = (tally[source.provenance] ?? 0) + 1;
    }
    await this.writers['sources.jsonl'].writeRow(JSON.stringify({ file, line, ...source }));
  }

  /** A held-out example: written to eval.jsonl, counted as kept out of training. */
  async writeEval(example: EvalExample, from: SourceRow, ticket: string, provenance: Provenance): Promise<void> {
    const line = {
      task: example.task,
      prompt: example.prompt,
      reference: example.reference ?? null,
      chosen: example.chosen ?? null,
      rejected: example.rejected ?? null,
      query: example.query ?? null,
      passage: example.passage ?? null,
      label: example.label,
    };
    this.notes.exclude(`eval.${example.task}`);
    await this.write('eval.jsonl', line, fromAnnotation(from, ticket, provenance, null, example.label));
  }

  /** Flushes every file; the list is in BATCH_DATA_FILES order. */
  async close(): Promise<WrittenFile[]> {
    const files: WrittenFile[] = [];
    for (const name of BATCH_DATA_FILES) files.push(await this.writers[name].close());
    return files;
  }
}
