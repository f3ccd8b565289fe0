import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OverlayRoot } from '../../components/OverlayRoot';
import type { PanelBox, PanelPlacement } from '../../components/panel-model';
import type { OverlayStatus, PanelPrefs } from '../../lib/contract';
import { suggestionClient } from '../../lib/overlay/suggestion-query';
import { TicketSession } from '../../lib/overlay/ticket-session';
import { adapterFor, ok, scriptedTransport, ticketOf, urlOf } from './session-doubles';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const STATUS: OverlayStatus = { connection: 'ok', pending: 0, deadLetters: 0, lastSyncAt: null, nextAttemptAt: null, lastError: null, enabledSites: ['zendesk'] };
const DOCKED: PanelBox = { mode: 'docked', top: 48, right: 0, width: 384, maxHeight: 852 };
const FLOATING: PanelBox = { mode: 'floating', top: 56, right: 12, width: 360, maxHeight: 600 };

/** A page double: records what the panel asked of the helpdesk page's layout. */
function placementDouble(wide: boolean) {
  const placement = { wide: vi.fn(() => wide), dock: vi.fn(() => DOCKED), undock: vi.fn(), float: vi.fn(() => FLOATING) } satisfies PanelPlacement;
  return placement;
}

describe('the overlay around the panel', () => {
  let container: HTMLElement;
  let root: Root;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
  });
  afterEach(() => {
    act(() => root.unmount());
    container.remove();
  });

  const panelEl = () => container.querySelector('[data-testid="aitl-panel"]') as HTMLElement;
  const collapseButton = () => container.querySelector('[data-testid="aitl-collapse"]') as HTMLButtonElement;

  it('re-rendering the panel (new props, status polls, a collapse) never asks for the suggestion again', async () => {
    const { transport, asked } = scriptedTransport([ok]);
    const session = new TicketSession(adapterFor('123'), ticketOf('123'), urlOf('123'), transport, { queries: suggestionClient() });
    session.start();
    const placement = placementDouble(true);
    const draw = () => root.render(<OverlayRoot session={session} readStatus={async () => ({ ...STATUS })} readPrefs={async () => ({ collapsed: false })} savePrefs={() => {}} placement={placement} />);
    await act(async () => draw());
    await vi.waitFor(() => expect(container.querySelectorAll('[data-testid="aitl-reply"]').length).toBeGreaterThan(0));
    for (let i = 0; i < 5; i++) await act(async () => draw());
    await act(async () => collapseButton().click());
    await act(async () => collapseButton().click());
    expect(asked).toHaveLength(1);
    session.dispose();
  });

  it('docks when the window is wide, gives the page back when collapsed and when unmounted', async () => {
    const { transport } = scriptedTransport([ok]);
    const session = new TicketSession(adapterFor('123'), ticketOf('123'), urlOf('123'), transport);
    session.start();
    const placement = placementDouble(true);
    const saved: PanelPrefs[] = [];
    await act(async () => root.render(<OverlayRoot session={session} readStatus={async () => STATUS} readPrefs={async () => ({ collapsed: false })} savePrefs={(p) => saved.push(p)} placement={placement} />));
    expect(panelEl().dataset.placement).toBe('docked');
    expect(panelEl().style.width).toBe('384px');
    placement.undock.mockClear();
    await act(async () => collapseButton().click());
    expect(panelEl().dataset.collapsed).toBe('true');
    expect(placement.undock).toHaveBeenCalled();
    expect(saved).toEqual([{ collapsed: true }]);
    placement.undock.mockClear();
    await act(async () => root.render(null));
    expect(placement.undock).toHaveBeenCalled();
    session.dispose();
  });

  it('in a narrow window starts as a tab, opens floating on demand, and does not save that as the preference', async () => {
    const { transport } = scriptedTransport([ok]);
    const session = new TicketSession(adapterFor('123'), ticketOf('123'), urlOf('123'), transport);
    session.start();
    const placement = placementDouble(false);
    const saved: PanelPrefs[] = [];
    await act(async () => root.render(<OverlayRoot session={session} readStatus={async () => STATUS} readPrefs={async () => ({ collapsed: false })} savePrefs={(p) => saved.push(p)} placement={placement} />));
    expect(panelEl().dataset.collapsed).toBe('true');
    await act(async () => collapseButton().click());
    expect(panelEl().dataset.placement).toBe('floating');
    expect(placement.dock).not.toHaveBeenCalled();
    expect(saved).toEqual([]);
    session.dispose();
  });
});
