import type { RelevanceLabel, ShownArticle } from '../lib/contract';

const LABELS: { label: RelevanceLabel; text: string; title: string }[] = [
  { label: 'relevant', text: '✓ Relevant', title: 'Relevant to this ticket' },
  { label: 'partial', text: '~ Partly', title: 'Partly relevant' },
  { label: 'irrelevant', text: '✗ Not relevant', title: 'Not relevant to this ticket' },
  { label: 'outdated', text: 'Outdated', title: 'Relevant, but out of date' },
];

/** Only http(s) links are rendered as links: an article URL is data, not something to execute. */
function safeHref(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function ArticleList({ articles, labels, onRate }: { articles: ShownArticle[]; labels: Record<string, RelevanceLabel>; onRate: (id: string, label: RelevanceLabel) => void }) {
  if (articles.length === 0) return <p className="muted">No knowledge articles were found for this ticket.</p>;
  return (
    <ol className="articles">
      {articles.map((article) => {
        const href = safeHref(article.url);
        const chosen = labels[article.id];
        return (
          <li key={article.id} data-testid="aitl-article" data-article-id={article.id}>
            <div className="article-title">
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer">
                  {article.title}
                </a>
              ) : (
                article.title
              )}
            </div>
            <div className="article-snippet">{article.snippet}</div>
            <div className="relevance" role="group" aria-label={`Is "${article.title}" relevant?`}>
              {LABELS.map((l) => (
                <button type="button" key={l.label} data-testid="aitl-relevance" data-label={l.label} title={l.title} aria-pressed={chosen === l.label} disabled={chosen !== undefined} onClick={() => onRate(article.id, l.label)}>
                  {l.text}
                </button>
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
