import fs from 'node:fs';

/**
 * The published rubrics a judge scores replies on, one versioned file each (rubric-v1.md, shown in
 * the README). A score is only comparable with scores of the same rubric version, so the version is
 * stored with every score and a changed rubric is a new file, never an edit of an old one.
 */
export const RUBRIC_VERSIONS = ['v1'] as const;
export type RubricVersion = (typeof RUBRIC_VERSIONS)[number];

const cache = new Map<RubricVersion, string>();

export function rubricText(version: RubricVersion): string {
  let text = cache.get(version);
  if (text === undefined) {
    text = fs.readFileSync(new URL(`./rubric-${version}.md`, import.meta.url), 'utf8');
    cache.set(version, text);
  }
  return text;
}
