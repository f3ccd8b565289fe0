import { browser } from 'wxt/browser';
import { OverlaySettings, PanelPrefs, SETTING_KEYS, describeIssues, type CustomSite, type SettingKey, type SettingsView } from '../contract';
import type { BackendTarget } from '../backend/client';
import type { SettingsDb } from './settings-db';

/**
 * The one home of the extension's settings: defaults, what an admin set by policy, what the agent
 * chose on the options page, and the agent's panel preferences. Only the background worker calls
 * this (its services answer the options page and the panel).
 */

/**
 * Until an admin or the agent says otherwise: every helpdesk (RT only shows up on the custom
 * sites someone names), half the tickets ask for a preference.
 */
export const DEFAULT_SETTINGS: OverlaySettings = {
  backendUrl: '',
  token: '',
  enrollmentKey: '',
  enabledSites: ['zendesk', 'salesforce', 'rt'],
  pairwiseSamplingRate: 0.5,
  customSites: [],
};

const LOCAL_KEY = 'settings';

export class SettingsError extends Error {}

/** `https://aitl.example.com/` and `https://aitl.example.com` are the same backend. */
export function normalizeBackendUrl(url: string): string {
  if (!url) return '';
  const u = new URL(url);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** One entry per origin (the last one named wins), each origin without a trailing slash. */
export function normalizeCustomSites(sites: CustomSite[]): CustomSite[] {
  const byOrigin = new Map(sites.map((site) => [new URL(site.origin).origin, site.platform]));
  return [...byOrigin].map(([origin, platform]) => ({ platform, origin }));
}

const normalized = (key: SettingKey, value: unknown) =>
  key === 'backendUrl' ? normalizeBackendUrl(value as string) : key === 'customSites' ? normalizeCustomSites(value as CustomSite[]) : value;

/**
 * Values an admin set by enterprise policy (`storage.managed`, declared in
 * public/managed_schema.json). A value that does not validate is ignored, never half-applied.
 */
export async function readManaged(): Promise<Partial<OverlaySettings>> {
  let raw: Record<string, unknown> = {};
  try {
    raw = (await browser.storage.managed.get(SETTING_KEYS)) as Record<string, unknown>;
  } catch {
    // No policy store on this platform (or no policy): nothing is managed.
    return {};
  }
  const managed: Partial<OverlaySettings> = {};
  for (const key of SETTING_KEYS) {
    if (raw[key] === undefined) continue;
    const parsed = OverlaySettings.shape[key].safeParse(raw[key]);
    if (parsed.success) Object.assign(managed, { [key]: normalized(key, parsed.data) });
    else console.warn(`AITL: ignoring policy value for ${key}: ${describeIssues(parsed.error)}`);
  }
  return managed;
}

/** Settings in force: policy over the agent's own choices over the defaults. */
export async function effectiveSettings(db: SettingsDb): Promise<{ settings: OverlaySettings; locked: SettingKey[] }> {
  const local = (await db.getValue<Partial<OverlaySettings>>(LOCAL_KEY)) ?? {};
  const managed = await readManaged();
  return { settings: { ...DEFAULT_SETTINGS, ...local, ...managed }, locked: SETTING_KEYS.filter((k) => managed[k] !== undefined) };
}

/** Where to sync and with which token, or null while either is missing. */
export async function backendTarget(db: SettingsDb): Promise<BackendTarget | null> {
  const { settings } = await effectiveSettings(db);
  return settings.backendUrl && settings.token ? { backendUrl: settings.backendUrl, token: settings.token } : null;
}

/** What extension pages may see: everything but the token and the enrollment key themselves. */
export function settingsView({ settings, locked }: { settings: OverlaySettings; locked: SettingKey[] }): SettingsView {
  const { token, enrollmentKey, ...rest } = settings;
  return { settings: { ...rest, hasToken: token.length > 0, hasEnrollmentKey: enrollmentKey.length > 0 }, locked };
}

/** Saves the agent's choices; keys set by policy are refused with a message saying so. */
export async function saveSettings(db: SettingsDb, changes: Partial<OverlaySettings>): Promise<void> {
  const { locked } = await effectiveSettings(db);
  const refused = (Object.keys(changes) as SettingKey[]).filter((k) => locked.includes(k));
  if (refused.length > 0) throw new SettingsError(`${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} set by your administrator and cannot be changed here`);
  const parsed = OverlaySettings.partial().safeParse(changes);
  if (!parsed.success) throw new SettingsError(`invalid settings: ${describeIssues(parsed.error)}`);
  const next = { ...parsed.data };
  if (next.backendUrl !== undefined) next.backendUrl = normalizeBackendUrl(next.backendUrl);
  if (next.token !== undefined) next.token = next.token.trim();
  if (next.customSites !== undefined) next.customSites = normalizeCustomSites(next.customSites);
  if (next.enrollmentKey !== undefined) next.enrollmentKey = next.enrollmentKey.trim();
  await db.transaction('rw', db.kv, async () => {
    const local = (await db.getValue<Partial<OverlaySettings>>(LOCAL_KEY)) ?? {};
    await db.setValue(LOCAL_KEY, { ...local, ...next });
  });
}

/** Takes over choices saved by an older version elsewhere, unless the agent has made new ones since. */
export async function adoptSavedSettings(db: SettingsDb, saved: Partial<OverlaySettings>): Promise<void> {
  await db.transaction('rw', db.kv, async () => {
    if ((await db.getValue(LOCAL_KEY)) === undefined) await db.setValue(LOCAL_KEY, saved);
  });
}

/** Panel preferences are remembered per agent: keyed by a hash of the token, never the token. */
async function panelPrefsKey(db: SettingsDb): Promise<string> {
  const { settings } = await effectiveSettings(db);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(settings.token));
  return `panelPrefs:${[...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function readPanelPrefs(db: SettingsDb): Promise<PanelPrefs> {
  const prefs = PanelPrefs.safeParse(await db.getValue(await panelPrefsKey(db)));
  return prefs.success ? prefs.data : { collapsed: false };
}

export async function savePanelPrefs(db: SettingsDb, prefs: PanelPrefs): Promise<void> {
  await db.setValue(await panelPrefsKey(db), prefs);
}
