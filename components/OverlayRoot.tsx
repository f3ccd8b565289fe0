import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { OverlayStatus, PanelPrefs } from '../lib/contract';
import { Panel } from './Panel';
import type { PanelBox, PanelSession } from './panel-model';

const STATUS_POLL_MS = 5_000;

export interface OverlayRootProps {
  session: PanelSession;
  /** The sync status for the bottom line; null when it cannot be read right now. */
  readStatus: () => Promise<OverlayStatus | null>;
  readPrefs: () => Promise<PanelPrefs | null>;
  savePrefs: (prefs: PanelPrefs) => void;
  /** Where the panel goes, given the width it would like (it never covers the reply box). */
  place: (preferredWidth: number) => PanelBox;
}

/** Keeps the panel's surroundings current: sync status, the agent's collapsed preference, placement. */
export function OverlayRoot({ session, readStatus, readPrefs, savePrefs, place }: OverlayRootProps) {
  const [status, setStatus] = useState<OverlayStatus | null>(null);
  const [collapsed, setCollapsed] = useState(false);
  const model = useSyncExternalStore(session.subscribe, session.getModel);
  const pairwise = model.impression.status === 'ready' && model.impression.impression.displayOrder.length === 2;
  const [box, setBox] = useState(() => place(pairwise ? 480 : 360));

  const refreshStatus = useCallback(() => {
    void readStatus().then((next) => next && setStatus(next));
  }, [readStatus]);

  useEffect(() => {
    void readPrefs().then((prefs) => prefs && setCollapsed(prefs.collapsed));
  }, [readPrefs]);
  useEffect(() => {
    refreshStatus();
    const timer = setInterval(refreshStatus, STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [refreshStatus]);
  // Each capture changes the model: show its sync state right away.
  useEffect(() => {
    const timer = setTimeout(refreshStatus, 300);
    return () => clearTimeout(timer);
  }, [model, refreshStatus]);
  useEffect(() => {
    const update = () => setBox(place(pairwise ? 480 : 360));
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, [place, pairwise, session]);
  useEffect(() => {
    performance.mark('aitl:panel-visible', { detail: { ticketId: session.getModel().ticketId } });
  }, [session]);
  // The panel mounts saying it is loading; what an agent waits for is the replies on screen.
  const shownId = model.impression.status === 'ready' ? model.impression.impression.id : null;
  useEffect(() => {
    if (shownId) performance.mark('aitl:suggestions-visible', { detail: { ticketId: session.getModel().ticketId, impressionId: shownId } });
  }, [shownId, session]);

  const onCollapsedChange = (next: boolean) => {
    setCollapsed(next);
    savePrefs({ collapsed: next });
  };
  return <Panel session={session} status={status} collapsed={collapsed} onCollapsedChange={onCollapsedChange} box={box} />;
}
