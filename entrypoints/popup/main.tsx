import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import type { DeadLetter, OverlayStatus } from '../../lib/contract';
import { describeStatus } from '../../components/SyncStatus';
import type { PagesService } from '../../lib/background/pages-service';
import { backgroundService } from '../../lib/messaging/background-service';

const pages = backgroundService<PagesService>('pages');

/** Dead letters as a JSON file the agent can hand to their admin (nothing refused is ever lost). */
function exportDeadLetters(deadLetters: DeadLetter[]) {
  const blob = new Blob([JSON.stringify(deadLetters, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `aitl-dead-letters-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function Popup() {
  const [status, setStatus] = useState<OverlayStatus | null>(null);
  const [dead, setDead] = useState<DeadLetter[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const refresh = async () => {
    const [s, d] = await Promise.all([pages.status(), pages.deadLetters()]);
    if (s.ok) setStatus(s.status);
    else setError(s.error.message);
    if (d.ok) setDead(d.deadLetters);
  };
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 2_000);
    return () => clearInterval(timer);
  }, []);

  const summary = describeStatus(status);
  return (
    <main>
      <h1>AITL</h1>
      <p data-testid="aitl-popup-connection" data-connection={status?.connection}>
        {status?.connection === 'ok' ? 'Connected' : status?.connection === 'unconfigured' ? 'Not set up' : status ? `Not connected (${status.connection})` : '…'}
      </p>
      <p className={summary.tone}>{summary.text}</p>
      <dl>
        <dt>Waiting to sync</dt>
        <dd data-testid="aitl-popup-pending">{status?.pending ?? '…'}</dd>
        <dt>Last sync</dt>
        <dd data-testid="aitl-popup-last-sync">{status?.lastSyncAt ? new Date(status.lastSyncAt).toLocaleString() : 'never'}</dd>
        {status?.nextAttemptAt && (
          <>
            <dt>Next attempt</dt>
            <dd>{new Date(status.nextAttemptAt).toLocaleTimeString()}</dd>
          </>
        )}
        {status?.lastError && (
          <>
            <dt>Last problem</dt>
            <dd>{status.lastError}</dd>
          </>
        )}
        <dt>Refused by the server</dt>
        <dd data-testid="aitl-popup-dead-letters">{dead.length}</dd>
      </dl>
      {error && <p role="alert">{error}</p>}
      <button
        type="button"
        data-testid="aitl-sync-now"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const reply = await pages.syncNow();
          if (reply.ok) setStatus(reply.status);
          else setError(reply.error.message);
          await refresh();
          setBusy(false);
        }}
      >
        {busy ? 'Syncing…' : 'Sync now'}
      </button>{' '}
      {dead.length > 0 && (
        <button type="button" data-testid="aitl-export-dead-letters" onClick={() => exportDeadLetters(dead)}>
          Export refused annotations
        </button>
      )}
      {dead.length > 0 && (
        <ul className="dead">
          {dead.slice(0, 20).map((d) => (
            <li key={d.id}>
              {d.status}: {d.error}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
          Settings
        </a>
      </p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Popup />
  </StrictMode>,
);
