import { useState } from 'react';
import { browser } from 'wxt/browser';
import { Platform, type CustomSite, type SettingsView } from '../../lib/contract';
import type { PagesService } from '../../lib/background/pages-service';
import { LockedNote } from './LockedNote';

const PLATFORM_LABELS: Record<Platform, string> = { rt: 'Request Tracker (RT)', zendesk: 'Zendesk', salesforce: 'Salesforce' };

/** `https://rt.example.com/` or `https://rt.example.com/rt/` → `https://rt.example.com`, or null. */
function originOf(input: string): string | null {
  try {
    const url = new URL(input.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Self-hosted helpdesks (`customSites`): RT always lives on its owner's domain, Zendesk and
 * Salesforce sometimes. Saving asks for access to exactly those origins (the click is the user
 * gesture Chrome requires); the background registers the content script there once granted.
 */
export function CustomSites({ view, pages, onSaved }: { view: SettingsView; pages: PagesService; onSaved: (view: SettingsView) => void }) {
  const locked = view.locked.includes('customSites');
  const [rows, setRows] = useState<{ platform: Platform; origin: string }[]>(view.settings.customSites);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const save = async () => {
    setMessage(null);
    const sites: CustomSite[] = [];
    for (const row of rows.filter((r) => r.origin.trim())) {
      const origin = originOf(row.origin);
      if (!origin) return setMessage({ kind: 'error', text: `"${row.origin}" is not a web address such as https://rt.example.com.` });
      sites.push({ platform: row.platform, origin });
    }
    // Saved first: a permission prompt left unanswered must not lose the list.
    // Naming an RT means wanting the panel there: switch its helpdesk on unless the admin decides.
    const enabled = view.settings.enabledSites;
    const missing = [...new Set(sites.map((s) => s.platform))].filter((p) => !enabled.includes(p));
    const enable = missing.length > 0 && !view.locked.includes('enabledSites') ? { enabledSites: [...enabled, ...missing] } : {};
    const reply = await pages.saveSettings({ customSites: sites, ...enable });
    if (!reply.ok) return setMessage({ kind: 'error', text: reply.error.message });
    // Access to a site taken off the list goes with it (the backend's origin stays).
    const keep = new Set([...sites.map((s) => s.origin), originOf(reply.view.settings.backendUrl)]);
    const dropped = view.settings.customSites.filter((s) => !keep.has(s.origin)).map((s) => `${s.origin}/*`);
    if (dropped.length > 0) await browser.permissions.remove({ origins: dropped }).catch(() => false);
    setRows(reply.view.settings.customSites);
    onSaved(reply.view);
    const origins = sites.map((s) => `${s.origin}/*`);
    if (origins.length === 0 || (await browser.permissions.contains({ origins }))) return setMessage({ kind: 'ok', text: 'Sites saved.' });
    setMessage({ kind: 'ok', text: 'Sites saved. Chrome now asks for access to them: allow it, or the panel will not appear there.' });
    try {
      const granted = await browser.permissions.request({ origins });
      setMessage(granted ? { kind: 'ok', text: 'Sites saved; access granted.' } : { kind: 'error', text: 'Sites saved, but access was not granted: the panel will not appear on them until you save again and allow access.' });
    } catch (error) {
      setMessage({ kind: 'error', text: `Sites saved, but Chrome could not ask for access to them: ${(error as Error).message}` });
    }
  };

  return (
    <fieldset className="card" data-testid="aitl-custom-sites" disabled={locked}>
      <legend>Self-hosted helpdesks</legend>
      <p className="card-intro">
        Request Tracker, or Zendesk and Salesforce on your own domain. Saving asks the browser for access to exactly these addresses.
        {locked && (
          <>
            {' '}
            <LockedNote setting="customSites" />
          </>
        )}
      </p>
      {rows.length === 0 && <p className="muted site-empty">No self-hosted helpdesk yet.</p>}
      {rows.map((row, i) => (
        <div key={i} className="site-row" data-testid="aitl-custom-site">
          <select aria-label="Helpdesk" value={row.platform} onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, platform: e.target.value as Platform } : r)))}>
            {Platform.options.map((p) => (
              <option key={p} value={p}>
                {PLATFORM_LABELS[p]}
              </option>
            ))}
          </select>
          <input aria-label="Address" data-testid="aitl-custom-site-origin" type="url" placeholder="https://rt.example.com" value={row.origin} onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, origin: e.target.value } : r)))} />
          <button type="button" data-testid="aitl-custom-site-remove" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <div className="actions">
        <button type="button" data-testid="aitl-custom-site-add" onClick={() => setRows([...rows, { platform: 'rt', origin: '' }])}>
          Add a site
        </button>
        <button type="button" className="primary" data-testid="aitl-custom-sites-save" onClick={() => void save()}>
          Save sites
        </button>
        {message && (
          <p className="message" role={message.kind === 'error' ? 'alert' : 'status'} data-testid="aitl-custom-sites-message">
            {message.text}
          </p>
        )}
      </div>
    </fieldset>
  );
}
