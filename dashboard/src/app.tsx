import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { AdapterHealthPage } from './adapter-health-page';
import { refusal, ApiFailure, type Window } from './api';
import { BatchesPage } from './batches-page';
import { FlywheelPage } from './flywheel-page';
import { GapsPage } from './gaps-page';
import { INITIAL_RANGE, INITIAL_WINDOW, metricsQuery } from './metrics-query';
import { QualityPage } from './quality-page';
import { sessionToken } from './session-token';
import { SignIn } from './sign-in';
import { WindowPicker } from './window-picker';
import { windowOf, type Range } from './window-range';

const PAGES = { flywheel: 'Flywheel', quality: 'Annotation quality', gaps: 'Knowledge gaps', batches: 'Batches', adapters: 'Adapter health' } as const;
type Page = keyof typeof PAGES;
/** Pages whose data is not windowed by time: they render without waiting for the metrics. */
const UNWINDOWED: readonly Page[] = ['gaps', 'batches'];

export function App() {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(sessionToken.read);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [range, setRange] = useState<Range>(INITIAL_RANGE);
  const window = useMemo(() => (range === INITIAL_RANGE ? INITIAL_WINDOW : windowOf(range)), [range]);

  const signIn = async (candidate: string) => {
    setChecking(true);
    setSignInError(null);
    try {
      // Kept only once the API has accepted it for metrics: an agent token never reaches storage.
      const { queryKey, queryFn } = metricsQuery(candidate, window);
      await queryClient.fetchQuery({ queryKey, queryFn });
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
  return <Signed token={token} window={window} range={range} setRange={setRange} signOut={signOut} />;
}

function Signed({ token, window, range, setRange, signOut }: { token: string; window: Window; range: Range; setRange: (r: Range) => void; signOut: (message?: string | null) => void }) {
  const [page, setPage] = useState<Page>('flywheel');
  const metrics = useQuery(metricsQuery(token, window));
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
        {!UNWINDOWED.includes(page) && <WindowPicker range={range} onChange={setRange} />}
        <button type="button" className="link" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main>
        {page === 'gaps' && <GapsPage token={token} />}
        {page === 'batches' && <BatchesPage token={token} />}
        {!UNWINDOWED.includes(page) && metrics.isPending && <p>Loading metrics…</p>}
        {!UNWINDOWED.includes(page) && metrics.error && (
          <p role="alert" className="error">
            {refusal(metrics.error)}
          </p>
        )}
        {metrics.data && page === 'flywheel' && <FlywheelPage metrics={metrics.data} />}
        {metrics.data && page === 'quality' && <QualityPage metrics={metrics.data} token={token} window={window} />}
        {metrics.data && page === 'adapters' && <AdapterHealthPage metrics={metrics.data} />}
      </main>
    </div>
  );
}
