import type { HelpdeskIdentity } from '../../contract';

/**
 * Zendesk's documented "Show the currently authenticated user" call. Same-origin from the content
 * script, so the agent's own session cookie answers it: no token, no API key, no extra permission.
 * An anonymous or end-user session answers too, with `role: "end-user"` (and for anonymous,
 * `id: null` and the placeholder email `invalid@example.com`): only agents and admins enrol.
 */
export const ZENDESK_ME_PATH = '/api/v2/users/me.json';

interface ZendeskUser {
  id?: number | null;
  email?: unknown;
  role?: unknown;
}

/** Who is signed in to this Zendesk, or why that cannot be told. */
export async function readZendeskAgent(origin: string, doFetch: typeof fetch = fetch): Promise<HelpdeskIdentity> {
  const problem = (text: string): HelpdeskIdentity => ({ found: false, platform: 'zendesk', problem: text });
  let response: Response;
  try {
    response = await doFetch(new URL(ZENDESK_ME_PATH, origin).href, {
      credentials: 'include',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return problem(`${ZENDESK_ME_PATH} did not answer: ${(error as Error).message}`);
  }
  if (!response.ok) return problem(`${ZENDESK_ME_PATH} answered ${response.status}`);
  let user: ZendeskUser | undefined;
  try {
    user = ((await response.json()) as { user?: ZendeskUser } | null)?.user;
  } catch {
    return problem(`${ZENDESK_ME_PATH} did not answer JSON`);
  }
  if (!user || typeof user !== 'object') return problem(`${ZENDESK_ME_PATH} named no user`);
  if (user.id === null || user.id === undefined) return problem('nobody is signed in to Zendesk in this browser');
  if (user.role !== 'agent' && user.role !== 'admin') return problem(`the signed-in Zendesk user is not an agent (role ${String(user.role)})`);
  if (typeof user.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(user.email.trim())) return problem('the signed-in Zendesk agent has no email address');
  return { found: true, platform: 'zendesk', email: user.email.trim().toLowerCase() };
}
