import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import type { DeadLetter, OverlayStatus } from '../../lib/contract';
import { describeStatus } from '../../components/SyncStatus';
import type { PagesService } from '../../lib/background/pages-service';
import { backgroundService } from '../../lib/messaging/background-service';
import '../options/page.css';
import './popup.css';

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

const CONNECTION: Record<OverlayStatus['connection'], { text: string; tone: 'ok' | 'warn' | 'error' }> = {
  ok: { text: 'Connected', tone: 'ok' },
  unconfigured: { text: 'Not set up', tone: 'error' },
  offline: { text: 'Offline', tone: 'warn' },
  unauthorized: { text: 'Token refused', tone: 'error' },
  error: { text: 'Sync problem', tone: 'error' },
};

/** "2 min ago": when the clicks last reached the server, short enough for a tile. */
function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
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
  const connection = status ? (CONNECTION[status.connection] ?? { text: status.connection, tone: 'error' as const }) : { text: 'Checking…', tone: 'warn' as const };
  return (
    <main className="popup">
      <header className="popup-header">
        <h1>AITL</h1>
        <span className={`pill ${connection.tone}`} data-testid="aitl-popup-connection" data-connection={status?.connection}>
          {connection.text}
        </span>
      </header>
      <p className={`summary ${summary.tone}`}>{summary.text}</p>
      <dl className="counts">
        <div className="count" data-tone={status && status.pending > 0 ? 'warn' : undefined}>
          <dt>waiting to sync</dt>
          <dd data-testid="aitl-popup-pending">{status?.pending ?? '…'}</dd>
        </div>
        <div className="count" data-tone={dead.length > 0 ? 'error' : undefined}>
          <dt>refused by the server</dt>
          <dd data-testid="aitl-popup-dead-letters">{dead.length}</dd>
        </div>
        <div className="count">
          <dt>last sync</dt>
          <dd className="when" data-testid="aitl-popup-last-sync" title={status?.lastSyncAt ? new Date(status.lastSyncAt).toLocaleString() : undefined}>
            {status ? ago(status.lastSyncAt) : '…'}
          </dd>
        </div>
      </dl>
      {(status?.nextAttemptAt || status?.lastError) && (
        <dl className="details">
          {status.nextAttemptAt && (
            <>
              <dt>Next attempt: </dt>
              <dd>{new Date(status.nextAttemptAt).toLocaleTimeString()}</dd>
            </>
          )}
          {status.lastError && (
            <>
              <dt>Last problem: </dt>
              <dd>{status.lastError}</dd>
            </>
          )}
        </dl>
      )}
      {error && (
        <p className="message" role="alert">
          {error}
        </p>
      )}
      <div className="popup-actions">
        <button
          type="button"
          className="primary"
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
        </button>
        {dead.length > 0 && (
          <button type="button" data-testid="aitl-export-dead-letters" onClick={() => exportDeadLetters(dead)}>
            Export refused
          </button>
        )}
        <a className="settings-link" href={browser.runtime.getURL('/options.html')} target="_blank" rel="noreferrer">
          Settings
        </a>
      </div>
      {dead.length > 0 && (
        <ul className="dead">
          {dead.slice(0, 20).map((d) => (
            <li key={d.id}>
              {d.status}: {d.error}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Popup />
  </StrictMode>,
);
