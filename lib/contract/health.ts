import { z } from 'zod';

export const Health = z.strictObject({
  ok: z.boolean(),
  db: z.enum(['postgres', 'pglite']),
  version: z.string(),
});
export type Health = z.infer<typeof Health>;
