import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ApiFailure, refusal } from './api';
import { resolveGap } from './gaps-api';

/**
 * Closes a cluster's open gaps with one article: `aitl gaps resolve GAP ARTICLE` for each, through
 * `POST /v1/gaps/:number/resolve`. Stops at the first refusal and says which gaps it did close.
 */
export function GapResolveForm({ token, openGaps, onResolved }: { token: string; openGaps: number[]; onResolved: (message: string) => void }) {
  const queryClient = useQueryClient();
  const [externalId, setExternalId] = useState('');
  const [source, setSource] = useState('');
  const id = useId();
  const resolve = useMutation({
    mutationFn: async ({ article, from }: { article: string; from: string }) => {
      const closed: number[] = [];
      let title = '';
      for (const gap of openGaps) {
        try {
          const { gap: done } = await resolveGap(token, gap, article, from || undefined);
          closed.push(gap);
          title = done.resolved?.title ?? title;
        } catch (error) {
          const already = closed.length > 0 ? ` (gaps ${closed.join(', ')} were closed before it)` : '';
          throw new ApiFailure(error instanceof ApiFailure ? error.status : 0, `gap ${gap}: ${refusal(error)}${already}`);
        }
      }
      return { closed, title };
    },
    // The page says what was closed: this form leaves with its cluster once the list is re-read.
    onSuccess: ({ closed, title }) => onResolved(`Closed gap${closed.length === 1 ? '' : 's'} ${closed.join(', ')} with “${title}”.`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['gap-clusters', token] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (externalId.trim()) resolve.mutate({ article: externalId.trim(), from: source.trim() });
  };
  return (
    <form className="resolve" onSubmit={submit}>
      <label htmlFor={`${id}-article`}>Resolved by article (its id in the source)</label>
      <input id={`${id}-article`} value={externalId} onChange={(e) => setExternalId(e.target.value)} required maxLength={256} spellCheck={false} />
      <label htmlFor={`${id}-source`}>Source (only if several use that id)</label>
      <input id={`${id}-source`} value={source} onChange={(e) => setSource(e.target.value)} maxLength={63} spellCheck={false} />
      <button type="submit" disabled={resolve.isPending}>
        {resolve.isPending ? 'Resolving…' : `Mark ${openGaps.length === 1 ? 'gap' : `${openGaps.length} gaps`} resolved`}
      </button>
      {resolve.error && (
        <p role="alert" className="error">
          {refusal(resolve.error)}
        </p>
      )}
    </form>
  );
}
