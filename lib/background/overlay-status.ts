import type { OverlayStatus } from '../contract';
import type { OverlayDb } from '../outbox/db';
import { readSyncState } from '../outbox/sync';
import type { SettingsDb } from '../settings/settings-db';
import { effectiveSettings } from '../settings/settings';
import { notSetUpMessage } from './enrolment';

/** Whether the agent's clicks are saved and synced: for the panel's status line and the popup. */
export async function overlayStatus(outbox: OverlayDb, settingsDb: SettingsDb): Promise<OverlayStatus> {
  const [state, pending, deadLetters, { settings }] = await Promise.all([readSyncState(outbox), outbox.outbox.count(), outbox.deadLetters.count(), effectiveSettings(settingsDb)]);
  const configured = settings.backendUrl !== '' && settings.token !== '';
  const notSetUp = configured ? null : await notSetUpMessage(settingsDb);
  return {
    connection: configured ? (state.connection === 'unconfigured' ? 'ok' : state.connection) : 'unconfigured',
    pending,
    deadLetters,
    lastSyncAt: state.lastSyncAt ? new Date(state.lastSyncAt).toISOString() : null,
    nextAttemptAt: state.nextAttemptAt ? new Date(state.nextAttemptAt).toISOString() : null,
    lastError: configured ? state.lastError : notSetUp,
    enabledSites: settings.enabledSites,
  };
}
