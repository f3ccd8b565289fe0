import type { z } from 'zod';

// How a failed validation is told to a person: plain functions over zod's issue list, with no
// runtime zod, so the background's message layer can use them without the schema library.

/** Dotted field paths of a zod error (`annotations.3.payload.strength`), unrecognised keys included. */
export function issuePaths(error: z.ZodError): string[] {
  const paths = new Set<string>();
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) paths.add([...base, key].join('.'));
    } else {
      paths.add(base.join('.') || '(root)');
    }
  }
  return [...paths];
}

/** One line naming each failing path and why. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const parts = error.issues.slice(0, limit).map((issue) => {
    const at = issue.path.map(String).join('.') || '(root)';
    return issue.code === 'unrecognized_keys' ? `${at}: unknown field(s) ${issue.keys.join(', ')}` : `${at}: ${issue.message}`;
  });
  const more = error.issues.length > limit ? `; and ${error.issues.length - limit} more` : '';
  return parts.join('; ') + more;
}
