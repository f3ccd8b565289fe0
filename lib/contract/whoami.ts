import { z } from 'zod';
import { Role } from './admin';

/**
 * `GET /v1/whoami`: whose the bearer token is, for any role. The extension's "Test connection"
 * shows it so an agent sees at once that the token pasted is theirs, on the tenant they expect.
 */
export const TokenOwner = z.strictObject({
  tenant: z.string(),
  role: Role,
  /** The token's name; for an agent, the identity recorded on their annotations. */
  name: z.string(),
});
export type TokenOwner = z.infer<typeof TokenOwner>;
