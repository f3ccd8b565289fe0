import { createHash, type Hash } from 'node:crypto';
import type { BatchDataFile } from '../../../lib/contract';
import type { Database, Sql } from '../db/database';

/** About 1 MiB per stored chunk: few rows per file, little memory per streamed read. */
export const CHUNK_BYTES = 1024 * 1024;
const INSERTS_IN_FLIGHT = 1;

export interface WrittenFile {
  name: BatchDataFile;
  rows: number;
  bytes: number;
  sha256: string;
  chunks: number;
}

/**
 * Appends JSONL rows to a batch file stored in chunks. Only one chunk is held in memory; the
 * file's sha256 is computed on the way. Rows become visible only when the batch is completed.
 */
export class BatchFileWriter {
  private readonly hash: Hash = createHash('sha256');
  /** The chunk being filled, encoded row by row into its own buffer (a new one per chunk: the last one may still be being inserted). */
  private pending = Buffer.allocUnsafe(0);
  private pendingBytes = 0;
  private rows = 0;
  private bytes = 0;
  private chunks = 0;
  /** Chunks being inserted while the next one fills (at most INSERTS_IN_FLIGHT, so memory stays at a few chunks). */
  private inFlight: Promise<unknown>[] = [];

  constructor(
    private readonly db: Database,
    private readonly tenantId: string,
    private readonly number: number,
    readonly name: BatchDataFile,
  ) {}

  /** The 0-based line the next row will have. */
  get line(): number {
    return this.rows;
  }

  async writeRow(json: string): Promise<void> {
    const size = Buffer.byteLength(json, 'utf8') + 1;
    if (this.pendingBytes + size > this.pending.length) this.grow(size);
    this.pending.write(json, this.pendingBytes, 'utf8');
    this.pending[this.pendingBytes + size - 1] = 0x0a;
    this.pendingBytes += size;
    this.rows++;
    this.bytes += size;
    if (this.pendingBytes >= CHUNK_BYTES) await this.flush();
  }

  /** A row given as pieces of its JSON text (strings, or their UTF-8 bytes), written one after another. */
  async writePieces(pieces: readonly (string | Buffer)[]): Promise<void> {
    let size = 1;
    for (const p of pieces) size += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
    if (this.pendingBytes + size > this.pending.length) this.grow(size);
    let at = this.pendingBytes;
    for (const p of pieces) at += typeof p === 'string' ? this.pending.write(p, at, 'utf8') : (this.pending.set(p, at), p.length);
    this.pending[at] = 0x0a;
    this.pendingBytes += size;
    this.rows++;
    this.bytes += size;
    if (this.pendingBytes >= CHUNK_BYTES) await this.flush();
  }

  /** Starts inserting the pending rows as the next chunk, once the chunk before it is stored. */
  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.subarray(0, this.pendingBytes);
    this.hash.update(data);
    this.pending = Buffer.allocUnsafe(0);
    this.pendingBytes = 0;
    // Chunks are numbered, so their inserts may overlap; a few at a time keep the build off Postgres's round trips.
    if (this.inFlight.length >= INSERTS_IN_FLIGHT) await this.inFlight.shift();
    const insert = this.db.query('INSERT INTO batch_file_chunks (tenant_id, number, name, chunk, data) VALUES ($1, $2, $3, $4, $5)', [
      this.tenantId,
      this.number,
      this.name,
      this.chunks++,
      data,
    ]);
    // Awaited by a later flush or by close; the build fails there if the insert did.
    insert.catch(() => {});
    this.inFlight.push(insert);
  }

  /** Room for `size` more bytes: a chunk's buffer starts at a little over CHUNK_BYTES (rows end past it) and doubles when a row does not fit. */
  private grow(size: number): void {
    const room = Math.max(this.pendingBytes + size, this.pending.length === 0 ? CHUNK_BYTES + 64 * 1024 : 2 * this.pending.length);
    const bigger = Buffer.allocUnsafe(room);
    this.pending.copy(bigger, 0, 0, this.pendingBytes);
    this.pending = bigger;
  }

  async close(): Promise<WrittenFile> {
    await this.flush();
    await Promise.all(this.inFlight);
    this.inFlight = [];
    return { name: this.name, rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex'), chunks: this.chunks };
  }
}

export async function recordFiles(tx: Sql, tenantId: string, number: number, files: WrittenFile[]): Promise<void> {
  for (const f of files) {
    await tx.query('INSERT INTO batch_files (tenant_id, number, name, rows, bytes, sha256, chunks) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      tenantId,
      number,
      f.name,
      f.rows,
      f.bytes,
      f.sha256,
      f.chunks,
    ]);
  }
}

/** A stored file's chunks, read one query at a time (never the whole file in memory). */
export async function* readBatchFile(db: Database, tenantId: string, number: number, name: string, chunks: number): AsyncGenerator<Buffer> {
  for (let chunk = 0; chunk < chunks; chunk++) {
    const { rows } = await db.query<{ data: Uint8Array }>(
      'SELECT data FROM batch_file_chunks WHERE tenant_id = $1 AND number = $2 AND name = $3 AND chunk = $4',
      [tenantId, number, name, chunk],
    );
    if (!rows[0]) throw new Error(`batch ${number} file ${name} is missing chunk ${chunk}`);
    yield Buffer.from(rows[0].data.buffer, rows[0].data.byteOffset, rows[0].data.byteLength);
  }
}
