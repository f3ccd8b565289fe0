import type { ArmReply } from '../lib/contract';

/** One suggested reply. Its text is rendered as text (React escapes it), never as HTML. */
export function ReplyCard({ arm, position, onInsert, inserted }: { arm: ArmReply; position: string; onInsert: () => void; inserted: boolean }) {
  return (
    <section className="reply" data-testid="aitl-reply" data-arm={arm.slot} aria-label={`Reply ${position}`}>
      <header>
        <span className="reply-label">{position}</span>
        <button type="button" className="primary" data-testid="aitl-insert" data-arm={arm.slot} onClick={onInsert} title={`Insert into the reply box (${position === 'Left' ? '1' : '2'})`}>
          {inserted ? 'Inserted' : 'Insert'}
        </button>
      </header>
      <div className="reply-text" data-testid="aitl-reply-text">
        {arm.text}
      </div>
    </section>
  );
}
