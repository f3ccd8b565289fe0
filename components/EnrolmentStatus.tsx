import type { EnrolmentView, Platform } from '../lib/contract';

const SITE_NAMES: Record<Platform, string> = { zendesk: 'Zendesk', salesforce: 'Salesforce', rt: 'Request Tracker' };

export interface EnrolmentStatusProps {
  enrolment: EnrolmentView;
  busy: boolean;
  onRetry(): void;
  onSignIn(): void;
  /** Takes the agent to the token field: the manual path. */
  onUseToken(): void;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');

/**
 * The options page's "who am I to AITL": enrolled as whom (and in which tenant), enrolling,
 * refused, or why the helpdesk could not say who is signed in, with the ways forward.
 */
export function EnrolmentStatus({ enrolment: e, busy, onRetry, onSignIn, onUseToken }: EnrolmentStatusProps) {
  const tokenPath = (
    <button type="button" className="link" data-testid="aitl-use-token" onClick={onUseToken}>
      Paste an agent token instead
    </button>
  );
  const signIn = e.companySignIn && e.state !== 'enrolled' && (
    <>
      {e.state === 'off' && <p>Sign in once with your work account and AITL knows you by your work email; there is no token to paste.</p>}
      <p>
        <button type="button" data-testid="aitl-company-sign-in" disabled={busy} onClick={onSignIn}>
          Sign in with your company account
        </button>{' '}
        <span className="muted">at {new URL(e.companySignIn.issuer).host}</span>
      </p>
    </>
  );
  return (
    <section className="enrolment" data-testid="aitl-enrolment" data-state={e.state} aria-live="polite">
      <h2>Your AITL identity</h2>
      {e.state === 'enrolled' && (
        <p data-testid="aitl-enrolled-as">
          Enrolled as <strong>{e.agent}</strong>
          {e.tenant && (
            <>
              {' '}
              in <strong>{e.tenant}</strong>
            </>
          )}
          <span className="muted">
            {' '}
            ({e.via === 'company_sign_in' ? 'company sign-in' : `your ${e.platform ? SITE_NAMES[e.platform] : 'helpdesk'} account`}
            {e.at ? `, ${when(e.at)}` : ''}). Your annotations carry this identity.
          </span>
        </p>
      )}
      {e.state === 'waiting' && (
        <p data-testid="aitl-enrolment-message">Your administrator set up enrolment. Open a ticket in Zendesk or Salesforce and AITL enrols you with the account you are signed in with there; there is no token to paste.</p>
      )}
      {e.state === 'pending' && (
        <p data-testid="aitl-enrolment-message">
          {e.message ?? `Enrolling ${e.agent}…`}
          {e.nextAttemptAt && ` Next try: ${when(e.nextAttemptAt)}.`}
        </p>
      )}
      {(e.state === 'refused' || e.state === 'no_identity') && (
        <p role="alert" data-testid="aitl-enrolment-message">
          {e.message}
        </p>
      )}
      {(e.state === 'pending' || e.state === 'refused') && (
        <p>
          <button type="button" data-testid="aitl-enrolment-retry" disabled={busy} onClick={onRetry}>
            Try again
          </button>{' '}
          {tokenPath}
        </p>
      )}
      {e.state === 'no_identity' && <p>{tokenPath}</p>}
      {e.state === 'off' && !e.companySignIn && <p className="muted">Paste the agent token your AITL admin gave you below.</p>}
      {signIn}
    </section>
  );
}
