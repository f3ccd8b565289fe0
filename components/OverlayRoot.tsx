import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { OverlayStatus } from '../lib/contract';
import { send } from '../lib/messaging/send';
import { panelBox, type PanelBox } from '../lib/overlay/layout';
import type { TicketSession } from '../lib/overlay/ticket-session';
import { Panel } from './Panel';

const STATUS_POLL_MS = 5_000;

/** Keeps the panel's surroundings current: sync status, the agent's collapsed preference, placement. */
export function OverlayRoot({ session, place }: { session: TicketSession; place: (preferredWidth: number) => PanelBox }) {
  const [status, setStatus] = useState<OverlayStatus | null>(null);
  const [collapsed, setCollapsed] = useState(false);
  const model = useSyncExternalStore(session.subscribe, session.getModel);
  const pairwise = model.impression.status === 'ready' && model.impression.impression.displayOrder.length === 2;
  const [box, setBox] = useState(() => place(pairwise ? 480 : 360));

  const refreshStatus = useCallback(() => {
    void send({ kind: 'overlay.status' }).then((reply) => reply.ok && setStatus(reply.status));
  }, []);

  useEffect(() => {
    void send({ kind: 'panel.prefs.get' }).then((reply) => reply.ok && setCollapsed(reply.prefs.collapsed));
  }, []);
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
    performance.mark('aitl:panel-visible', { detail: { ticketId: session.ticket.ticketId } });
  }, [session]);

  const onCollapsedChange = (next: boolean) => {
    setCollapsed(next);
    void send({ kind: 'panel.prefs.set', prefs: { collapsed: next } });
  };
  return <Panel key={`${session.ticket.platform}:${session.ticket.ticketId}`} session={session} status={status} collapsed={collapsed} onCollapsedChange={onCollapsedChange} box={box} />;
}
