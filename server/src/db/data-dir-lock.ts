import fs from 'node:fs';
import path from 'node:path';
import { DataDirBusyError } from './database';

/**
 * PGlite is one Postgres instance inside this process, so only one process may open a data folder.
 * A pid file guards it; a lock left by a killed process (`kill -9`) is taken over because its pid is gone.
 */
export interface DataDirLock {
  release(): void;
}

export const lockPath = (dataDir: string) => path.join(dataDir, 'aitl.lock');
/** The running server's admin socket, through which CLI commands reach its database. */
export const adminSocketPath = (dataDir: string) => path.join(dataDir, 'aitl.sock');

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding the data folder, or null when it is free. */
export function dataDirHolder(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(lockPath(dataDir), 'utf8'), 10);
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid) ? pid : null;
}

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return {
        release() {
          try {
            if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = dataDirHolder(dataDir);
      if (holder !== null) {
        throw new DataDirBusyError(
          `the embedded database in ${dataDir} is in use by another aitl process (pid ${holder}); ` +
            'stop it first, or point AITL_DATA_DIR elsewhere',
          holder,
          adminSocketPath(dataDir),
        );
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
