import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** Lines held in memory before they go to the spill file: a small build never touches the disk. */
const IN_MEMORY_CHARS = 4_000_000;

/**
 * Lines kept to be read back later, in the order added: in memory up to IN_MEMORY_CHARS, beyond
 * that appended to a temporary file, so a large build's held-back rows do not grow its memory.
 * A line must not contain a newline (JSON text never does).
 */
export class RowSpill {
  private held: string[] = [];
  private heldChars = 0;
  private file: { dir: string; path: string; handle: fs.FileHandle } | null = null;

  constructor(private readonly inMemoryChars = IN_MEMORY_CHARS) {}

  async add(line: string): Promise<void> {
    this.held.push(line);
    this.heldChars += line.length;
    if (this.heldChars >= this.inMemoryChars) await this.toDisk();
  }

  /** Whether lines went to a file. */
  get spilled(): boolean {
    return this.file !== null;
  }

  /** Every line added, in order (call once, after the last `add`). */
  async *lines(): AsyncGenerator<string> {
    if (this.file) {
      await this.toDisk();
      await this.file.handle.close();
      const input = createReadStream(this.file.path, { encoding: 'utf8' });
      try {
        yield* createInterface({ input, crlfDelay: Infinity });
      } finally {
        input.destroy();
      }
    } else {
      yield* this.held;
    }
    this.held = [];
  }

  /** Removes the spill file, if there is one. */
  async close(): Promise<void> {
    const file = this.file;
    this.file = null;
    this.held = [];
    if (!file) return;
    await file.handle.close().catch(() => {});
    await fs.rm(file.dir, { recursive: true, force: true });
  }

  private async toDisk(): Promise<void> {
    if (!this.file) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aitl-batch-'));
      const file = path.join(dir, 'rows');
      this.file = { dir, path: file, handle: await fs.open(file, 'w') };
    }
    if (this.held.length === 0) return;
    const text = this.held.join('\n') + '\n';
    this.held = [];
    this.heldChars = 0;
    await this.file.handle.appendFile(text, 'utf8');
  }
}
