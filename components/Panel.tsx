import { useEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import type { OverlayStatus, Slot } from '../lib/contract';
import { ArticleList } from './ArticleList';
import { MissingKnowledgeForm } from './MissingKnowledgeForm';
import type { PanelBox, PanelSession } from './panel-model';
import { PreferenceBar } from './PreferenceBar';
import { RationalePrompt } from './RationalePrompt';
import { ReplyCard } from './ReplyCard';
import { SyncStatus } from './SyncStatus';

export interface PanelProps {
  session: PanelSession;
  status: OverlayStatus | null;
  collapsed: boolean;
  onCollapsedChange: (collapsed: boolean) => void;
  box: PanelBox;
}

const SHORTCUTS = '1 / 2 insert left / right · [ / ] left / right better · = tie · 0 both bad · k knowledge missing · . collapse';

/**
 * The suggestion panel for one ticket. It shows the session's model and calls its actions; it
 * never reads or writes the helpdesk page nor talks to the background. Every string from the
 * ticket or the backend is rendered as text.
 */
export function Panel({ session, status, collapsed, onCollapsedChange, box }: PanelProps) {
  const model = useSyncExternalStore(session.subscribe, session.getModel);
  const [missingOpen, setMissingOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const impression = model.impression.status === 'ready' ? model.impression.impression : null;
  const order: Slot[] = impression?.displayOrder ?? [];
  const arms = order.map((slot) => impression!.arms.find((a) => a.slot === slot)!).filter(Boolean);
  const pairwise = arms.length === 2;

  useEffect(() => setMissingOpen(false), [session]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const field = (e.target as HTMLElement).closest('input, textarea, select');
    if (field || e.ctrlKey || e.metaKey || e.altKey) return;
    const act: Record<string, () => void> = {
      '1': () => order[0] && void session.insert(order[0]),
      '2': () => order[1] && void session.insert(order[1]),
      '[': () => pairwise && void session.prefer(order[0]!, 'clear'),
      ']': () => pairwise && void session.prefer(order[1]!, 'clear'),
      '=': () => pairwise && void session.prefer('tie'),
      '0': () => pairwise && void session.prefer('both_bad'),
      k: () => setMissingOpen(true),
      '.': () => onCollapsedChange(!collapsed),
    };
    const action = act[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  if (collapsed) {
    return (
      <div className="panel collapsed" data-testid="aitl-panel" data-ticket-id={model.ticketId} data-collapsed="true" style={{ top: box.top, right: 0 }}>
        <button type="button" data-testid="aitl-collapse" aria-expanded={false} onClick={() => onCollapsedChange(false)} title="Show AITL suggestions">
          AITL ◂
        </button>
        <SyncStatus status={status} />
      </div>
    );
  }

  return (
    <div
      ref={rootRef}
      className={box.mode === 'docked' ? 'panel docked' : 'panel'}
      data-testid="aitl-panel"
      data-ticket-id={model.ticketId}
      data-collapsed="false"
      data-placement={box.mode}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      style={{ top: box.top, right: box.right, width: box.width, maxHeight: box.maxHeight, height: box.mode === 'docked' ? box.maxHeight : undefined }}
      aria-label="AITL suggestions"
    >
      <header className="panel-header">
        <strong>AITL</strong>
        <span className="ticket muted" title={SHORTCUTS}>
          #{model.ticketId}
          {model.subject && (
            <>
              {' · '}
              <span data-testid="aitl-ticket-subject">{model.subject}</span>
            </>
          )}
        </span>
        <button type="button" data-testid="aitl-collapse" aria-expanded onClick={() => onCollapsedChange(true)} title="Collapse (.)">
          ▸
        </button>
      </header>

      {model.impression.status === 'loading' && (
        <p className="muted" data-testid="aitl-loading">
          Loading suggestions…
          {model.impression.retrying && ` The backend is busy or unreachable (${model.impression.retrying.reason}); trying again.`}
        </p>
      )}
      {model.impression.status === 'error' && (
        <div className="notice error" data-testid="aitl-error">
          <p>{model.impression.message}</p>
          <button type="button" onClick={() => void session.load()}>
            Try again
          </button>
        </div>
      )}

      {model.notice && (
        <p className={`notice ${model.notice.kind}`} data-testid="aitl-notice">
          {model.notice.text}
          {model.unsaved > 0 && (
            <button type="button" onClick={() => void session.retryUnsaved()}>
              Retry saving
            </button>
          )}
        </p>
      )}

      {model.rationale && <RationalePrompt outcome={model.rationale.outcome} onSubmit={(tags, text) => void session.submitRationale(tags, text)} onSkip={() => void session.skipRationale()} />}

      {impression && (
        <>
          {arms.length === 0 ? (
            <p className="muted">No reply could be suggested for this ticket{impression.degraded[0] ? `: ${impression.degraded[0].reason}` : '.'}</p>
          ) : (
            <div className={pairwise ? 'replies two' : 'replies'}>
              {arms.map((arm, i) => (
                <ReplyCard key={arm.slot} arm={arm} position={pairwise ? (i === 0 ? 'Left' : 'Right') : 'Suggestion'} inserted={model.inserted?.slot === arm.slot} onInsert={() => void session.insert(arm.slot)} />
              ))}
            </div>
          )}
          {pairwise && <PreferenceBar order={order} chosen={model.preference} onChoose={(verdict, strength) => void session.prefer(verdict, strength)} />}
          {model.lastAdoption && (
            <p className="muted" data-testid="aitl-adoption" data-outcome={model.lastAdoption.outcome}>
              Last reply: {model.lastAdoption.outcome.replace('_', ' ')}
              {model.lastAdoption.similarity !== null && ` (${Math.round(model.lastAdoption.similarity * 100)}% kept)`}
            </p>
          )}
          <h3>Knowledge</h3>
          <ArticleList articles={impression.articles} labels={model.relevance} onRate={session.rate} />
          {missingOpen ? (
            <MissingKnowledgeForm
              onCancel={() => setMissingOpen(false)}
              onSubmit={async (payload) => {
                const ok = await session.reportMissing(payload);
                setMissingOpen(false);
                return ok;
              }}
            />
          ) : (
            <button type="button" className="link" data-testid="aitl-missing-knowledge" onClick={() => setMissingOpen(true)} title="Report missing knowledge (k)">
              Knowledge is missing…
            </button>
          )}
        </>
      )}
      <SyncStatus status={status} />
    </div>
  );
}
