import { useState } from 'react';
import type { RationaleTag } from '../lib/contract';
import { LIMITS, RATIONALE_TAGS } from '../lib/contract/values';

const TAG_LABELS: Record<RationaleTag, string> = {
  incorrect: 'Incorrect',
  incomplete: 'Incomplete',
  wrong_issue: 'Wrong issue',
  outdated_knowledge: 'Outdated knowledge',
  wrong_citation: 'Wrong citation',
  tone_style: 'Tone / style',
  too_long: 'Too long',
  needs_action: 'Needs an action',
  policy_privacy: 'Policy / privacy',
  other: 'Other',
};

/** Asked only after a heavy edit or a discard: one click, optional text, or skip. */
export function RationalePrompt({ outcome, onSubmit, onSkip }: { outcome: 'heavy_edit' | 'discarded'; onSubmit: (tags: RationaleTag[], text: string) => void; onSkip: () => void }) {
  const [tags, setTags] = useState<RationaleTag[]>([]);
  const [text, setText] = useState('');
  const toggle = (tag: RationaleTag) => setTags((t) => (t.includes(tag) ? t.filter((x) => x !== tag) : [...t, tag]));
  return (
    <section className="rationale" data-testid="aitl-rationale" aria-label="Why was the suggestion changed?">
      <p>{outcome === 'discarded' ? 'You did not use the suggestion. Why?' : 'You changed the suggestion a lot. Why?'}</p>
      <div className="tags">
        {RATIONALE_TAGS.map((tag) => (
          <button type="button" key={tag} data-testid="aitl-rationale-tag" data-tag={tag} aria-pressed={tags.includes(tag)} onClick={() => toggle(tag)}>
            {TAG_LABELS[tag]}
          </button>
        ))}
      </div>
      <textarea data-testid="aitl-rationale-text" placeholder="Anything else? (optional)" maxLength={LIMITS.shortText} value={text} onChange={(e) => setText(e.target.value)} rows={2} />
      <div className="row">
        <button type="button" className="primary" data-testid="aitl-rationale-submit" disabled={tags.length === 0 && !text.trim()} onClick={() => onSubmit(tags, text)}>
          Send reason
        </button>
        <button type="button" data-testid="aitl-rationale-skip" onClick={onSkip}>
          Skip
        </button>
      </div>
    </section>
  );
}
