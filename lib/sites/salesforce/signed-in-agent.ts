import { injectScript } from 'wxt/utils/inject-script';
import type { HelpdeskIdentity } from '../../contract';
import { SF_USER_REQUEST, SF_USER_RESPONSE, type CurrentUserAnswer } from './current-user-bridge';

let injected: Promise<void> | null = null;

/** Injects the page-world reader once (entrypoints/salesforce-user.ts). */
function injectBridge(): Promise<void> {
  injected ??= injectScript('/salesforce-user.js', { keepInDom: true }).then(
    () => undefined,
    (error) => {
      injected = null;
      throw error;
    },
  );
  return injected;
}

function ask(doc: Document, timeoutMs: number): Promise<CurrentUserAnswer | null> {
  const nonce = crypto.randomUUID();
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(answer: CurrentUserAnswer | null) {
      clearTimeout(timer);
      doc.removeEventListener(SF_USER_RESPONSE, onAnswer);
      resolve(answer);
    }
    function onAnswer(event: Event) {
      const detail = (event as CustomEvent<unknown>).detail;
      if (typeof detail !== 'string') return;
      try {
        const answer = JSON.parse(detail) as CurrentUserAnswer;
        if (answer.nonce === nonce) finish(answer);
      } catch {
        // not ours
      }
    }
    doc.addEventListener(SF_USER_RESPONSE, onAnswer);
    doc.dispatchEvent(new CustomEvent(SF_USER_REQUEST, { detail: JSON.stringify({ nonce }) }));
  });
}

/**
 * Who is signed in to this Salesforce org, as Lightning itself says. Aura may still be booting
 * when the first case opens, so a missing `$A` is asked again a few times before giving up.
 */
export async function readSalesforceAgent(doc: Document, opts: { inject?: () => Promise<void>; attempts?: number; intervalMs?: number } = {}): Promise<HelpdeskIdentity> {
  const problem = (text: string): HelpdeskIdentity => ({ found: false, platform: 'salesforce', problem: text });
  try {
    await (opts.inject ?? injectBridge)();
  } catch (error) {
    return problem(`the page would not run AITL's reader (${(error as Error).message})`);
  }
  const attempts = opts.attempts ?? 5;
  let last = 'Lightning did not answer';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1_000));
    const answer = await ask(doc, 1_000);
    if (answer?.email) {
      const email = answer.email.trim().toLowerCase();
      if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { found: true, platform: 'salesforce', email };
      return problem('the current Salesforce user has no valid email address');
    }
    last = answer?.problem ?? last;
  }
  return problem(last);
}
