import type { OverlayStatus } from '../lib/contract';

/** One line the agent can glance at: are my clicks safe, and are they on the server yet? */
export function describeStatus(status: OverlayStatus | null): { text: string; tone: 'ok' | 'warn' | 'error' } {
  if (!status) return { text: 'Checking…', tone: 'warn' };
  const pending = status.pending > 0 ? `${status.pending} waiting to sync` : 'all synced';
  const dead = status.deadLetters > 0 ? `; ${status.deadLetters} refused (see the AITL popup)` : '';
  switch (status.connection) {
    case 'ok':
      return { text: `Saved; ${pending}${dead}`, tone: status.deadLetters > 0 ? 'warn' : 'ok' };
    case 'offline':
      return { text: `Offline: saved on this computer, ${pending}${dead}`, tone: 'warn' };
    case 'unauthorized':
      return { text: `Token refused: check the AITL options; ${pending}${dead}`, tone: 'error' };
    case 'unconfigured':
      return { text: 'Not set up: open the AITL options', tone: 'error' };
    default:
      return { text: `Sync problem (${status.lastError ?? 'unknown'}); ${pending}${dead}`, tone: 'error' };
  }
}

export function SyncStatus({ status }: { status: OverlayStatus | null }) {
  const { text, tone } = describeStatus(status);
  return (
    <div className={`sync ${tone}`} data-testid="aitl-sync-status" data-connection={status?.connection} data-pending={status?.pending} role="status">
      {text}
    </div>
  );
}
