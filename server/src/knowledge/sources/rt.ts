import { htmlToText } from '../article-text';
import { KbImportError, Problems, checkArticle, checkUniqueIds, type ParsedSource, type SourceArticle } from './source-article';

/**
 * Request Tracker's own knowledge base (RT Articles), read through RT's REST 2 API with an auth
 * token (RT: Logged in as → Settings → Auth Tokens). Each article's id is kept as the external id,
 * `Name` as the title, its `Content` custom field (HTML) becomes the body (its `Summary` when it has
 * none), and its page in RT is the URL. Disabled (deleted) articles are left out, so a re-import
 * retires them, like an article dropped from any other export.
 */
const PAGE_SIZE = 100;
const PARALLEL = 4;

interface RtRef {
  id: string;
  Disabled?: string;
}
interface RtArticle {
  id: number;
  Name?: string;
  Summary?: string;
  LastUpdated?: string;
  Disabled?: string;
  CustomFields?: { name: string; values: string[] }[];
}

export interface RtSource {
  /** RT's web address, e.g. https://rt.example.com or https://example.com/rt (its WebBaseURL + WebPath). */
  url: string;
  token: string;
  fetch?: typeof fetch;
}

export async function readRtArticles(source: RtSource): Promise<ParsedSource> {
  const base = source.url.replace(/\/+$/, '');
  const doFetch = source.fetch ?? fetch;
  const api = async <T>(route: string, init: RequestInit = {}): Promise<T> => {
    let response: Response;
    try {
      response = await doFetch(`${base}/REST/2.0${route}`, { ...init, headers: { authorization: `token ${source.token}`, accept: 'application/json', 'content-type': 'application/json' } });
    } catch (error) {
      throw new KbImportError([`${base}: RT is unreachable (${(error as Error).message}); check --url`]);
    }
    if (response.status === 401 || response.status === 403) {
      throw new KbImportError([`${base}: RT refused the token (${response.status}); the variable named by --token-env must hold a REST 2 auth token of a user who may see the articles`]);
    }
    if (!response.ok) throw new KbImportError([`${base}/REST/2.0${route}: RT answered ${response.status} ${(await response.text()).slice(0, 200)}`]);
    try {
      return (await response.json()) as T;
    } catch {
      throw new KbImportError([`${base}/REST/2.0${route}: RT's answer is not JSON; is ${base} RT's web address (with its path, e.g. /rt)?`]);
    }
  };

  // Every article this user may see, page by page (a JSON search; RT's GET with an empty query finds none).
  const refs: RtRef[] = [];
  for (let page = 1; ; page++) {
    const found = await api<{ items: RtRef[]; pages: number }>(`/articles?page=${page}&per_page=${PAGE_SIZE}&fields=Disabled`, {
      method: 'POST',
      body: JSON.stringify([{ field: 'id', operator: '>', value: 0 }]),
    });
    refs.push(...found.items);
    if (page >= found.pages || found.items.length === 0) break;
  }

  const problems = new Problems();
  const skipped: string[] = [];
  const articles: SourceArticle[] = [];
  const live = refs.filter((ref) => {
    if (ref.Disabled && ref.Disabled !== '0') skipped.push(`article ${ref.id}: disabled in RT`);
    return !ref.Disabled || ref.Disabled === '0';
  });
  for (let i = 0; i < live.length; i += PARALLEL) {
    const batch = await Promise.all(live.slice(i, i + PARALLEL).map((ref) => api<RtArticle>(`/article/${encodeURIComponent(ref.id)}`)));
    for (const raw of batch) {
      const at = `${base} article ${raw.id}`;
      const content = raw.CustomFields?.find((cf) => cf.name === 'Content')?.values.join('\n') ?? '';
      const body = content.trim() ? htmlToText(content) : (raw.Summary ?? '').trim() || null;
      const article = checkArticle(
        { id: raw.id, title: raw.Name, body, url: `${base}/Articles/Article/Display.html?id=${raw.id}`, updatedAt: raw.LastUpdated },
        at,
        problems,
        skipped,
      );
      if (article) articles.push(article);
    }
  }
  checkUniqueIds(articles, problems);
  problems.throwIfAny();
  if (articles.length === 0) throw new KbImportError([`${base}: RT shows this token no publishable articles${skipped.length ? ` (${skipped.length} skipped: ${skipped[0]})` : ''}`]);
  return { format: 'rt', articles, skipped };
}
