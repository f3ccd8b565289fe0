import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { EnrolmentStatus } from '../../components/EnrolmentStatus';
import { Platform, type EnrolmentView, type OverlaySettings, type SettingKey, type SettingsView } from '../../lib/contract';
import type { PagesService } from '../../lib/background/pages-service';
import { backgroundService } from '../../lib/messaging/background-service';
import { CustomSites } from './CustomSites';
import { SettingRow } from './SettingRow';
import { TestConnection } from './TestConnection';
import './page.css';
import './options.css';

const pages = backgroundService<PagesService>('pages');

const SITE_LABELS: Record<Platform, string> = { zendesk: 'Zendesk Agent Workspace', salesforce: 'Salesforce Service Console', rt: 'Request Tracker (on the sites below)' };

/**
 * The backend URL is the admin's choice, so the extension cannot list it in its manifest: it asks
 * for that one origin (never all sites) when the agent sets it. The AITL backend also answers CORS
 * for extensions, so a refusal here still works with an AITL server.
 */
async function requestBackendPermission(url: string): Promise<string | null> {
  if (!url) return null;
  const origin = `${new URL(url).origin}/*`;
  try {
    const granted = await browser.permissions.request({ origins: [origin] });
    return granted ? null : `Access to ${new URL(url).origin} was not granted; AITL will rely on the backend allowing the extension (CORS).`;
  } catch (error) {
    return `Could not ask for access to ${new URL(url).origin}: ${(error as Error).message}`;
  }
}

function OptionsPage() {
  const [view, setView] = useState<SettingsView | null>(null);
  const [backendUrl, setBackendUrl] = useState('');
  const [token, setToken] = useState('');
  const [sites, setSites] = useState<Platform[]>([]);
  const [rate, setRate] = useState('0.5');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [enrolment, setEnrolment] = useState<EnrolmentView | null>(null);
  const [busy, setBusy] = useState(false);
  const tokenInput = useRef<HTMLInputElement>(null);

  const load = (v: SettingsView) => {
    setView(v);
    setBackendUrl(v.settings.backendUrl);
    setSites(v.settings.enabledSites);
    setRate(String(v.settings.pairwiseSamplingRate));
  };
  useEffect(() => {
    void pages.settings().then((reply) => (reply.ok ? load(reply.view) : setMessage({ kind: 'error', text: reply.error.message })));
  }, []);
  // Enrolment happens in a helpdesk tab: follow it while it is under way.
  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      const reply = await pages.enrolment();
      if (stopped || !reply.ok) return;
      setEnrolment(reply.enrolment);
      if (reply.enrolment.state === 'waiting' || reply.enrolment.state === 'pending') timer = setTimeout(() => void refresh(), 2_000);
    };
    let timer = setTimeout(() => void refresh(), 0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [view?.settings.backendUrl, view?.settings.hasToken]);
  if (!view)
    return (
      <main className="options">
        {message ? (
          <p className="message" role="alert">
            {message.text}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </main>
    );

  const locked = (key: SettingKey) => view.locked.includes(key);

  const enrolmentAction = async (action: 'retryEnrolment' | 'signInWithCompany') => {
    setBusy(true);
    setMessage(null);
    const reply = await pages[action]();
    setBusy(false);
    if (!reply.ok) return setMessage({ kind: 'error', text: reply.error.message });
    setEnrolment(reply.enrolment);
    const settings = await pages.settings();
    if (settings.ok) load(settings.view);
  };

  const save = async () => {
    setMessage(null);
    const changes: Partial<OverlaySettings> = {};
    if (!locked('backendUrl') && backendUrl.trim() !== view.settings.backendUrl) changes.backendUrl = backendUrl.trim();
    if (!locked('token') && token.trim()) changes.token = token.trim();
    if (!locked('enabledSites')) changes.enabledSites = sites;
    if (!locked('pairwiseSamplingRate')) changes.pairwiseSamplingRate = Number(rate);
    let warning: string | null = null;
    if (typeof changes.backendUrl === 'string') {
      try {
        warning = await requestBackendPermission(changes.backendUrl);
      } catch {
        return setMessage({ kind: 'error', text: 'The backend URL is not a valid URL (e.g. https://aitl.example.com).' });
      }
    }
    const reply = await pages.saveSettings(changes);
    if (!reply.ok) return setMessage({ kind: 'error', text: reply.error.message });
    load(reply.view);
    setToken('');
    setMessage({ kind: 'ok', text: warning ? `Saved. ${warning}` : 'Saved.' });
  };

  return (
    <main className="options">
      <header className="page-header">
        <span className="brand" aria-hidden="true">
          AITL
        </span>
        <div>
          <h1>AITL settings</h1>
          <p>Agent-in-the-Loop: the copilot panel in your helpdesk, and where your feedback goes.</p>
        </div>
      </header>
      {enrolment && (
        <EnrolmentStatus
          enrolment={enrolment}
          busy={busy}
          onRetry={() => void enrolmentAction('retryEnrolment')}
          onSignIn={() => void enrolmentAction('signInWithCompany')}
          onUseToken={() => tokenInput.current?.focus()}
        />
      )}
      <form
        className="options"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <section className="card" aria-labelledby="aitl-connection-heading">
          <h2 id="aitl-connection-heading">Connection</h2>
          <SettingRow setting="backendUrl" title="Backend URL" htmlFor="aitl-backend-url" locked={locked('backendUrl')} help="The AITL server of your team, from your AITL admin. The browser asks once for access to it.">
            <input id="aitl-backend-url" data-testid="aitl-option-backendUrl" type="url" placeholder="https://aitl.example.com" value={backendUrl} disabled={locked('backendUrl')} onChange={(e) => setBackendUrl(e.target.value)} />
          </SettingRow>
          <SettingRow
            setting="token"
            title="Agent token"
            htmlFor="aitl-token"
            locked={locked('token')}
            help={view.settings.hasToken ? 'A token is saved (it is never shown again). Paste a new one to replace it.' : 'Starts with aitl_agent_. Not needed when your admin set up enrolment.'}
          >
            <input
              id="aitl-token"
              data-testid="aitl-option-token"
              ref={tokenInput}
              type="password"
              autoComplete="off"
              placeholder={view.settings.hasToken ? 'A token is saved; paste a new one to replace it' : 'aitl_agent_…'}
              value={token}
              disabled={locked('token')}
              onChange={(e) => setToken(e.target.value)}
            />
          </SettingRow>
          <TestConnection pages={pages} draft={() => ({ backendUrl, token })} />
        </section>
        <section className="card" aria-labelledby="aitl-panel-heading">
          <h2 id="aitl-panel-heading">Panel</h2>
          <SettingRow setting="enabledSites" title="Helpdesks" locked={locked('enabledSites')} help="Where the panel appears on a ticket. Turn one off and the panel stays away from it.">
            <fieldset className="checks" disabled={locked('enabledSites')}>
              {Platform.options.map((p) => (
                <label key={p} className="check">
                  <input
                    type="checkbox"
                    data-testid={`aitl-option-site-${p}`}
                    checked={sites.includes(p)}
                    onChange={(e) => setSites((s) => (e.target.checked ? [...s, p] : s.filter((x) => x !== p)))}
                  />
                  {SITE_LABELS[p]}
                </label>
              ))}
            </fieldset>
          </SettingRow>
          <SettingRow
            setting="pairwiseSamplingRate"
            title="Side-by-side comparisons"
            htmlFor="aitl-pairwise"
            locked={locked('pairwiseSamplingRate')}
            help="Share of tickets (0 to 1) that show two replies and ask which is better; the rest show one."
          >
            <input id="aitl-pairwise" data-testid="aitl-option-pairwiseSamplingRate" type="number" min={0} max={1} step={0.05} value={rate} disabled={locked('pairwiseSamplingRate')} onChange={(e) => setRate(e.target.value)} />
          </SettingRow>
        </section>
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="aitl-option-save">
            Save
          </button>
          {!message && <span className="muted">Saves the connection and panel settings above.</span>}
          {message && (
            <p className="message" role={message.kind === 'error' ? 'alert' : 'status'} data-testid="aitl-option-message">
              {message.text}
            </p>
          )}
        </div>
      </form>
      <CustomSites
        view={view}
        pages={pages}
        onSaved={(v) => {
          setView(v);
          setSites(v.settings.enabledSites);
        }}
      />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <OptionsPage />
  </StrictMode>,
);
