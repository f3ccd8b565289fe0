import { useState } from 'react';
import type { ConnectionCheck } from '../../lib/backend/connection-check';
import type { PagesService } from '../../lib/background/pages-service';

const ROLE_NAMES = { agent: 'agent', operator: 'operator', admin: 'admin' } as const;

/**
 * "Test connection": is the backend up (`GET /healthz`) and whose is the token (`GET /v1/whoami`),
 * with what the form holds now, so an agent knows before saving.
 */
export function TestConnection({ pages, draft }: { pages: PagesService; draft: () => { backendUrl: string; token: string } }) {
  const [busy, setBusy] = useState(false);
  const [check, setCheck] = useState<ConnectionCheck | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    setCheck(null);
    const { backendUrl, token } = draft();
    const reply = await pages.testConnection({ ...(backendUrl.trim() && { backendUrl: backendUrl.trim() }), ...(token.trim() && { token: token.trim() }) });
    setBusy(false);
    if (reply.ok) setCheck(reply.check);
    else setError(reply.error.message);
  };

  return (
    <div className="actions">
      <button type="button" data-testid="aitl-test-connection" disabled={busy} onClick={() => void run()}>
        {busy ? 'Testing…' : 'Test connection'}
      </button>
      <div className="actions-result" aria-live="polite">
        {error && (
          <p className="message" role="alert" data-testid="aitl-connection-error">
            {error}
          </p>
        )}
        {check && (
          <ul className="check-result" data-testid="aitl-connection-result">
            <li data-testid="aitl-connection-health" data-ok={check.health.ok}>
              <span className={`pill ${check.health.ok ? 'ok' : 'error'}`}>{check.health.ok ? 'Backend up' : 'Backend'}</span>
              <span>{check.health.ok ? `${new URL(check.backendUrl).host} answers: AITL ${check.health.version}, ${check.health.db === 'pglite' ? 'embedded database' : 'Postgres'}.` : check.health.message}</span>
            </li>
            <li data-testid="aitl-connection-owner" data-ok={check.owner?.ok ?? null}>
              {check.owner === null ? (
                <>
                  <span className="pill warn">No token</span>
                  <span>No token to check: paste one, or let enrolment get one.</span>
                </>
              ) : check.owner.ok ? (
                <>
                  <span className={`pill ${check.owner.role === 'agent' ? 'ok' : 'warn'}`}>Token valid</span>
                  <span>
                    {ROLE_NAMES[check.owner.role]} token of <strong>{check.owner.name}</strong> in tenant <strong>{check.owner.tenant}</strong>
                    {check.owner.role !== 'agent' && '. The panel needs an agent token: ask your AITL admin for one.'}
                  </span>
                </>
              ) : (
                <>
                  <span className="pill error">Token</span>
                  <span>{check.owner.message}</span>
                </>
              )}
            </li>
          </ul>
        )}
      </div>
    </div>
  );
}
