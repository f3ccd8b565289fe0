import { useCallback, useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import type { OverlayStatus, PanelPrefs } from '../lib/contract';
import { Panel } from './Panel';
import type { PanelBox, PanelPlacement, PanelSession } from './panel-model';

const STATUS_POLL_MS = 5_000;
// Single-page helpdesks re-render their layout (a pane opens, a sidebar toggles): the room is checked again this often.
const REDOCK_MS = 2_000;

const sameBox = (a: PanelBox, b: PanelBox) => a.mode === b.mode && a.top === b.top && a.right === b.right && a.width === b.width && a.maxHeight === b.maxHeight;

export interface OverlayRootProps {
  session: PanelSession;
  /** The sync status for the bottom line; null when it cannot be read right now. */
  readStatus: () => Promise<OverlayStatus | null>;
  readPrefs: () => Promise<PanelPrefs | null>;
  savePrefs: (prefs: PanelPrefs) => void;
  /** Docks the panel beside the ticket, or floats it clear of the reply box. */
  placement: PanelPlacement;
}

/**
 * Keeps the panel's surroundings current: sync status, the agent's collapsed preference, placement.
 * Wide windows dock the open panel beside the conversation; narrow ones show a tab the agent opens
 * on demand (that choice is not saved: the next ticket starts as a tab again).
 */
export function OverlayRoot({ session, readStatus, readPrefs, savePrefs, placement }: OverlayRootProps) {
  const [status, setStatus] = useState<OverlayStatus | null>(null);
  const [collapsedPref, setCollapsedPref] = useState(false);
  const [openedNarrow, setOpenedNarrow] = useState(false);
  const [wide, setWide] = useState(() => placement.wide());
  const [layoutTick, setLayoutTick] = useState(0);
  const model = useSyncExternalStore(session.subscribe, session.getModel);
  const pairwise = model.impression.status === 'ready' && model.impression.impression.displayOrder.length === 2;
  const collapsed = wide ? collapsedPref : !openedNarrow;
  const [box, setBox] = useState<PanelBox>(() => placement.float(360));

  const refreshStatus = useCallback(() => {
    void readStatus().then((next) => next && setStatus(next));
  }, [readStatus]);

  useEffect(() => {
    void readPrefs().then((prefs) => prefs && setCollapsedPref(prefs.collapsed));
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
    const onResize = () => {
      setWide(placement.wide());
      setLayoutTick((n) => n + 1);
    };
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [placement]);
  // Before paint, so the page is never drawn with the panel over it.
  useLayoutEffect(() => {
    const docked = !collapsed && wide ? placement.dock() : null;
    if (!docked) placement.undock();
    const next = docked ?? placement.float(pairwise ? 480 : 360);
    setBox((prev) => (sameBox(prev, next) ? prev : next));
  }, [collapsed, wide, pairwise, placement, layoutTick]);
  useEffect(() => {
    if (box.mode !== 'docked') return;
    const timer = setInterval(() => setLayoutTick((n) => n + 1), REDOCK_MS);
    return () => clearInterval(timer);
  }, [box.mode]);
  useEffect(() => () => placement.undock(), [placement]);
  useEffect(() => {
    performance.mark('aitl:panel-visible', { detail: { ticketId: session.getModel().ticketId } });
  }, [session]);
  // The panel mounts saying it is loading; what an agent waits for is the replies on screen.
  const shownId = model.impression.status === 'ready' ? model.impression.impression.id : null;
  useEffect(() => {
    if (shownId) performance.mark('aitl:suggestions-visible', { detail: { ticketId: session.getModel().ticketId, impressionId: shownId } });
  }, [shownId, session]);

  const onCollapsedChange = (next: boolean) => {
    if (!wide) return setOpenedNarrow(!next);
    setCollapsedPref(next);
    savePrefs({ collapsed: next });
  };
  return <Panel session={session} status={status} collapsed={collapsed} onCollapsedChange={onCollapsedChange} box={box} />;
}
