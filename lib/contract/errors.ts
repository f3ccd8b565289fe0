import { z } from 'zod';

export const ErrorCode = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'conflict',
  'internal',
  'unavailable',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Every non-2xx response body. 5xx bodies carry no detail beyond the request id. */
export const ApiError = z.strictObject({
  error: z.strictObject({
    code: ErrorCode,
    message: z.string(),
    /** Failing field paths for `bad_request`. */
    paths: z.array(z.string()).optional(),
    requestId: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

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
