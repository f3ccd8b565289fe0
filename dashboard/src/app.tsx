import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { AdapterHealthPage } from './adapter-health-page';
import { fetchMetrics, refusal, ApiFailure, type Window } from './api';
import { FlywheelPage } from './flywheel-page';
import { QualityPage } from './quality-page';
import { sessionToken } from './session-token';
import { SignIn } from './sign-in';

const PAGES = { flywheel: 'Flywheel', quality: 'Annotation quality', adapters: 'Adapter health' } as const;
type Page = keyof typeof PAGES;
const RANGES = [4, 12, 26, 52, 104];

function windowOf(weeks: number): Window {
  const to = new Date();
  return { from: new Date(to.getTime() - weeks * 7 * 86_400_000).toISOString(), to: to.toISOString() };
}

const metricsKey = (token: string, window: Window) => ['metrics', token, window.from, window.to] as const;

export function App() {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(sessionToken.read);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [weeks, setWeeks] = useState(12);
  const window = useMemo(() => windowOf(weeks), [weeks]);

  const signIn = async (candidate: string) => {
    setChecking(true);
    setSignInError(null);
    try {
      // Kept only once the API has accepted it for metrics: an agent token never reaches storage.
      await queryClient.fetchQuery({ queryKey: metricsKey(candidate, window), queryFn: ({ signal }) => fetchMetrics(candidate, window, signal) });
      sessionToken.save(candidate);
      setToken(candidate);
    } catch (error) {
      setSignInError(refusal(error));
    } finally {
      setChecking(false);
    }
  };
  const signOut = (message: string | null = null) => {
    sessionToken.clear();
    queryClient.clear();
    setToken(null);
    setSignInError(message);
  };

  if (!token) return <SignIn onSubmit={signIn} error={signInError} checking={checking} />;
  return <Signed token={token} window={window} weeks={weeks} setWeeks={setWeeks} signOut={signOut} />;
}

function Signed({ token, window, weeks, setWeeks, signOut }: { token: string; window: Window; weeks: number; setWeeks: (n: number) => void; signOut: (message?: string | null) => void }) {
  const [page, setPage] = useState<Page>('flywheel');
  const metrics = useQuery({
    queryKey: metricsKey(token, window),
    queryFn: ({ signal }) => fetchMetrics(token, window, signal),
    retry: (count, error) => !(error instanceof ApiFailure && error.status >= 400 && error.status < 500) && count < 2,
  });
  // A token revoked (401) or re-roled (403) while signed in: back to the sign-in form, saying why.
  const refused = metrics.error instanceof ApiFailure && (metrics.error.status === 401 || metrics.error.status === 403);
  useEffect(() => {
    if (refused) signOut(refusal(metrics.error));
  }, [refused, metrics.error, signOut]);
  return (
    <div className="shell">
      <header>
        <h1>AITL dashboard</h1>
        <nav aria-label="Pages">
          {(Object.keys(PAGES) as Page[]).map((p) => (
            <button key={p} type="button" aria-current={page === p ? 'page' : undefined} onClick={() => setPage(p)}>
              {PAGES[p]}
            </button>
          ))}
        </nav>
        <label>
          Window{' '}
          <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value))}>
            {RANGES.map((n) => (
              <option key={n} value={n}>{`last ${n} weeks`}</option>
            ))}
          </select>
        </label>
        <button type="button" className="link" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main>
        {metrics.isPending && <p>Loading metrics…</p>}
        {metrics.error && (
          <p role="alert" className="error">
            {refusal(metrics.error)}
          </p>
        )}
        {metrics.data && (page === 'flywheel' ? <FlywheelPage metrics={metrics.data} /> : page === 'quality' ? <QualityPage metrics={metrics.data} token={token} window={window} /> : null)}
        {metrics.data && page === 'adapters' && <AdapterHealthPage metrics={metrics.data} />}
      </main>
    </div>
  );
}
