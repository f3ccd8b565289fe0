import type { EnrollResponse, EnrolmentView, HelpdeskIdentity, Platform } from '../contract';
import { BackendError } from '../backend/client';
import { enroll, enrollmentMethods } from '../backend/enrollment-client';
import type { OverlayDb } from '../outbox/db';
import { readSyncState, retryDelay } from '../outbox/sync';
import type { SyncLoop } from '../outbox/sync-loop';
import type { SettingsDb } from '../settings/settings-db';
import { effectiveSettings, saveSettings } from '../settings/settings';

/** What this install remembers of its enrolment (the settings database, key `enrolment`). */
export interface EnrolmentRecord {
  state: 'pending' | 'enrolled' | 'refused' | 'no_identity';
  via: 'enrollment_key' | 'company_sign_in';
  platform: Platform | null;
  /** The email being enrolled, or the agent identity the issued token carries. */
  agent: string | null;
  tenant: string | null;
  /** The backend the token belongs to: a new backend URL means enrolling again. */
  backendUrl: string;
  /** A short SHA-256 of the key used, never the key: a rotated key retries a refusal. */
  keyFingerprint: string | null;
  attempt: number;
  nextAttemptAt: number | null;
  at: number | null;
  message: string | null;
}

export interface EnrolmentDeps {
  settings: SettingsDb;
  outbox: OverlayDb;
  loop: Pick<SyncLoop, 'request'>;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Backoff of failed attempts (network, 5xx, 429): 5 s doubling to 10 min, jittered. */
  backoff?: { baseMs: number; maxMs: number };
}

const RECORD_KEY = 'enrolment';
const SITE_NAMES: Record<Platform, string> = { zendesk: 'Zendesk', salesforce: 'Salesforce', rt: 'Request Tracker' };

export async function readEnrolment(db: SettingsDb): Promise<EnrolmentRecord | null> {
  return (await db.getValue<EnrolmentRecord>(RECORD_KEY)) ?? null;
}

async function fingerprint(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The agent pasted a token of their own: the enrolment no longer describes this install. */
export async function forgetEnrolment(db: SettingsDb): Promise<void> {
  await db.kv.delete(RECORD_KEY);
}

/** Keeps an issued token as a pasted one is kept (the settings' `token`) and remembers whose it is. */
export async function keepIssuedToken(deps: Pick<EnrolmentDeps, 'settings' | 'loop' | 'now'>, issued: EnrollResponse, record: Pick<EnrolmentRecord, 'via' | 'platform' | 'backendUrl' | 'keyFingerprint'>): Promise<EnrolmentRecord> {
  await saveSettings(deps.settings, { token: issued.token });
  const kept: EnrolmentRecord = { ...record, state: 'enrolled', agent: issued.agent, tenant: issued.tenant, attempt: 0, nextAttemptAt: null, at: (deps.now ?? Date.now)(), message: null };
  await deps.settings.setValue(RECORD_KEY, kept);
  void deps.loop.request('settings');
  return kept;
}

/** Why the panel cannot work yet, in words the agent can act on; null when it can. */
export async function notSetUpMessage(db: SettingsDb): Promise<string | null> {
  const { settings } = await effectiveSettings(db);
  if (settings.backendUrl && settings.token) return null;
  const record = await readEnrolment(db);
  if (settings.backendUrl && settings.enrollmentKey && record && record.state !== 'enrolled' && record.message) {
    // Nothing will change by itself: the panel says how to go on without enrolment.
    const manual = record.state === 'pending' ? '' : ' Open the AITL options (its toolbar icon → Options) and paste an agent token from your AITL admin instead.';
    return `${record.message}${manual}`;
  }
  if (settings.backendUrl && settings.enrollmentKey) return 'AITL is enrolling you with your helpdesk account; this takes a moment.';
  return 'AITL is not set up yet: open its options and set the backend URL and your agent token.';
}

/**
 * Self-enrolment with the enrollment key from the policy: a helpdesk tab reports who is signed in,
 * the worker asks `POST /v1/enroll` for this agent's token and keeps it. A backend it cannot reach
 * (or a 5xx, or 429) is retried with backoff, here on a timer and on the worker's alarm; a refusal
 * (401 key, 403 address) is shown and tried again only when the key, the email or the backend
 * changes, or the agent asks. One attempt at a time.
 */
export class AgentEnrolment {
  private running: Promise<EnrolmentRecord | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: EnrolmentDeps) {}

  private now = () => (this.deps.now ?? Date.now)();

  /** Whether a helpdesk tab should read who is signed in: a key is set and no usable token is. */
  async wanted(): Promise<boolean> {
    const { settings, locked } = await effectiveSettings(this.deps.settings);
    if (!settings.backendUrl || !settings.enrollmentKey || locked.includes('token')) return false;
    if (!settings.token) return true;
    const record = await readEnrolment(this.deps.settings);
    if (record?.state !== 'enrolled') return false; // a pasted token: the agent's choice stands
    if (record.backendUrl !== settings.backendUrl) return true;
    // Our token was revoked (an admin replaced it): the key may issue another (deactivation refuses it).
    return (await readSyncState(this.deps.outbox)).connection === 'unauthorized';
  }

  /** A helpdesk tab says who is signed in (or that it cannot tell). */
  async identify(identity: HelpdeskIdentity): Promise<EnrolmentRecord | null> {
    if (!(await this.wanted())) return readEnrolment(this.deps.settings);
    const { settings } = await effectiveSettings(this.deps.settings);
    const keyFingerprint = await fingerprint(settings.enrollmentKey);
    const base = { via: 'enrollment_key' as const, platform: identity.platform, backendUrl: settings.backendUrl, keyFingerprint, tenant: null, at: null };
    if (!identity.found) {
      const record: EnrolmentRecord = {
        ...base,
        state: 'no_identity',
        agent: null,
        attempt: 0,
        nextAttemptAt: null,
        message: `AITL could not read who is signed in to ${SITE_NAMES[identity.platform]} (${identity.problem}), so it cannot enrol you.`,
      };
      await this.deps.settings.setValue(RECORD_KEY, record);
      return record;
    }
    const previous = await readEnrolment(this.deps.settings);
    const same = previous && previous.agent === identity.email && previous.keyFingerprint === keyFingerprint && previous.backendUrl === settings.backendUrl;
    // Refused for this key and this address already: not asked again on every ticket page.
    if (same && previous.state === 'refused') return previous;
    // Already waiting to retry this one: the timer or the alarm will.
    if (same && previous.state === 'pending' && previous.nextAttemptAt !== null && previous.nextAttemptAt > this.now()) return previous;
    return this.attempt({ ...base, state: 'pending', agent: identity.email, attempt: same && previous.state === 'pending' ? previous.attempt : 0, nextAttemptAt: null, message: null });
  }

  /** A due retry (the alarm, the timer), or any pending or refused one when `force` (the agent's "Try again"). */
  async retry({ force = false } = {}): Promise<EnrolmentRecord | null> {
    const record = await readEnrolment(this.deps.settings);
    if (!record || record.via !== 'enrollment_key' || !record.agent) return record;
    const retryable = record.state === 'pending' ? force || (record.nextAttemptAt ?? 0) <= this.now() : force && record.state === 'refused';
    if (!retryable || !(await this.wanted())) return record;
    const { settings } = await effectiveSettings(this.deps.settings);
    return this.attempt({ ...record, state: 'pending', backendUrl: settings.backendUrl, keyFingerprint: await fingerprint(settings.enrollmentKey), attempt: record.state === 'refused' ? 0 : record.attempt });
  }

  private attempt(record: EnrolmentRecord): Promise<EnrolmentRecord | null> {
    // One at a time: a second tab reporting the same agent waits for the first attempt's outcome.
    this.running ??= this.run(record).finally(() => (this.running = null));
    return this.running;
  }

  private async run(record: EnrolmentRecord): Promise<EnrolmentRecord> {
    const { settings } = await effectiveSettings(this.deps.settings);
    try {
      const issued = await enroll(settings.backendUrl, { enrollmentKey: settings.enrollmentKey, email: record.agent!, platform: record.platform! }, { fetch: this.deps.fetch });
      return await keepIssuedToken(this.deps, issued, record);
    } catch (error) {
      if (!(error instanceof BackendError)) throw error;
      const refused = error.status === 400 || error.status === 401 || error.status === 403;
      const attempt = record.attempt + 1;
      const delay = retryDelay(error.retryAfterMs, attempt, this.deps.random ?? Math.random, this.deps.backoff ?? { baseMs: 5_000, maxMs: 10 * 60_000 });
      const next: EnrolmentRecord = refused
        ? { ...record, state: 'refused', attempt, nextAttemptAt: null, message: `AITL could not enrol ${record.agent}: ${error.message}.` }
        : { ...record, state: 'pending', attempt, nextAttemptAt: this.now() + delay, message: `AITL could not enrol ${record.agent} yet: ${error.message}.` };
      await this.deps.settings.setValue(RECORD_KEY, next);
      if (!refused) this.schedule(delay);
      return next;
    }
  }

  /** A timer for short waits; the worker's alarm covers a worker terminated meanwhile. */
  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.retry();
    }, delay + 50);
  }

  /** What the options page shows. `GET /v1/enroll` says whether company sign-in is offered. */
  async view(): Promise<EnrolmentView> {
    const { settings } = await effectiveSettings(this.deps.settings);
    const record = await readEnrolment(this.deps.settings);
    const companySignIn = settings.backendUrl ? await this.companySignInOffer(settings.backendUrl) : null;
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    if (record && (record.state === 'enrolled' ? settings.token !== '' : settings.enrollmentKey !== '')) {
      return { state: record.state, agent: record.agent, tenant: record.tenant, via: record.via, platform: record.platform, at: iso(record.at), nextAttemptAt: iso(record.nextAttemptAt), message: record.message, companySignIn };
    }
    return { state: settings.enrollmentKey && !settings.token ? 'waiting' : 'off', agent: null, tenant: null, via: null, platform: null, at: null, nextAttemptAt: null, message: null, companySignIn };
  }

  private offers = new Map<string, { at: number; offer: EnrolmentView['companySignIn'] }>();

  /** Cached a minute per backend; a backend that does not answer offers nothing. */
  private async companySignInOffer(backendUrl: string): Promise<EnrolmentView['companySignIn']> {
    const cached = this.offers.get(backendUrl);
    if (cached && this.now() - cached.at < 60_000) return cached.offer;
    let offer: EnrolmentView['companySignIn'] = null;
    try {
      const methods = await enrollmentMethods(backendUrl, { fetch: this.deps.fetch, timeoutMs: 5_000 });
      offer = methods.companySignIn ? { issuer: methods.companySignIn.issuer } : null;
    } catch {
      offer = null;
    }
    this.offers.set(backendUrl, { at: this.now(), offer });
    return offer;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
