/**
 * The page-world half of reading the signed-in Salesforce user (entrypoints/salesforce-user.ts
 * runs it). Lightning Experience is an Aura application: its global `$A` answers the global value
 * provider `$SObjectType.CurrentUser`, whose `Email` is the running user's email (what Aura
 * components use as `$A.get("$SObjectType.CurrentUser.Email")`). `$A` lives only in the page's own
 * JS world, so the content script asks over CustomEvents carrying JSON strings and a nonce.
 */
export const SF_USER_REQUEST = 'aitl:sf-user-request';
export const SF_USER_RESPONSE = 'aitl:sf-user-response';
export const CURRENT_USER_EMAIL = '$SObjectType.CurrentUser.Email';

export interface CurrentUserAnswer {
  nonce: string;
  email: string | null;
  problem: string | null;
}

interface Aura {
  get(expression: string): unknown;
}

/** Answers requests for the current user's email from the page's `$A`. */
export function serveCurrentUser(win: Window & { $A?: Aura }): void {
  const doc = win.document;
  doc.addEventListener(SF_USER_REQUEST, (event) => {
    const detail = (event as CustomEvent<unknown>).detail;
    if (typeof detail !== 'string') return;
    let nonce = '';
    try {
      nonce = String((JSON.parse(detail) as { nonce?: unknown }).nonce ?? '');
    } catch {
      return;
    }
    const answer = (email: string | null, problem: string | null) => doc.dispatchEvent(new CustomEvent(SF_USER_RESPONSE, { detail: JSON.stringify({ nonce, email, problem } satisfies CurrentUserAnswer) }));
    try {
      const aura = win.$A;
      if (!aura || typeof aura.get !== 'function') return answer(null, 'this page has no Lightning (Aura) framework yet');
      const email = aura.get(CURRENT_USER_EMAIL);
      return typeof email === 'string' && email ? answer(email, null) : answer(null, 'Lightning did not name the current user');
    } catch (error) {
      answer(null, `Lightning refused to name the current user (${String((error as Error)?.message ?? error)})`);
    }
  });
}
