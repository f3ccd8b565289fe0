import fs from 'node:fs';
import path from 'node:path';
import { test } from '@playwright/test';

/** The id `manifest.key` pins; the README's policy examples name it. */
export const EXTENSION_ID = 'aidellcenmenbfdaogiajhhlfppkapll';
/** Where Debian's Chromium reads machine policy. */
export const POLICY_DIR = '/etc/chromium/policies/managed';

function canWritePolicy(): boolean {
  try {
    fs.mkdirSync(POLICY_DIR, { recursive: true });
    fs.accessSync(POLICY_DIR, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Inside a describe: skips it where machine policy cannot be written (CI runs as root, so it runs there). */
export function skipUnlessPolicyWritable(): void {
  test.skip(!canWritePolicy(), `needs write access to ${POLICY_DIR} (run as root, as CI does)`);
}

/**
 * A policy file of the spec's own (the spec files run one at a time, and each removes its own file,
 * whatever happens in the test), holding AITL's `3rdparty` settings.
 */
export function policyFile(name: string) {
  const file = path.join(POLICY_DIR, `${name}.json`);
  return {
    write: (settings: Record<string, unknown>) => fs.writeFileSync(file, JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: settings } } })),
    remove: () => fs.rmSync(file, { force: true }),
  };
}
