import { useState } from 'react';
import type { MissingKnowledgePayload } from '../lib/contract';
import { KNOWLEDGE_GAP_CATEGORIES, LIMITS } from '../lib/contract/values';

const CATEGORY_LABELS: Record<(typeof KNOWLEDGE_GAP_CATEGORIES)[number], string> = {
  how_to: 'How-to',
  policy: 'Policy',
  troubleshooting: 'Troubleshooting',
  billing: 'Billing',
  account: 'Account',
  product_info: 'Product info',
  other: 'Other',
};

export function MissingKnowledgeForm({ onSubmit, onCancel }: { onSubmit: (p: MissingKnowledgePayload) => Promise<boolean>; onCancel: () => void }) {
  const [description, setDescription] = useState('');
  const [category, setCategory] = useState('');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const valid = description.trim().length > 0;
  return (
    <form
      className="missing-form"
      data-testid="aitl-missing-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!valid || busy) return;
        setBusy(true);
        const payload: MissingKnowledgePayload = {
          description: description.trim(),
          ...(category && { category: category as MissingKnowledgePayload['category'] }),
          ...(title.trim() && { suggestedTitle: title.trim() }),
        };
        await onSubmit(payload);
        setBusy(false);
      }}
    >
      <label>
        What knowledge was missing? <span aria-hidden>*</span>
        <textarea data-testid="aitl-missing-description" required maxLength={LIMITS.shortText} value={description} onChange={(e) => setDescription(e.target.value)} rows={3} autoFocus />
      </label>
      <label>
        Category
        <select data-testid="aitl-missing-category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">(choose)</option>
          {KNOWLEDGE_GAP_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {CATEGORY_LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Suggested article title
        <input data-testid="aitl-missing-title" maxLength={LIMITS.label} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <div className="row">
        <button type="submit" className="primary" data-testid="aitl-missing-submit" disabled={!valid || busy}>
          Report
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
