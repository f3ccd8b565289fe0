import { useState, type FormEvent } from 'react';

/** Paste an operator or admin token; the caller checks it against the API before keeping it. */
export function SignIn({ onSubmit, error, checking }: { onSubmit: (token: string) => void; error: string | null; checking: boolean }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onSubmit(token.trim());
  };
  return (
    <main className="sign-in">
      <h1>AITL dashboard</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">Operator or admin token</label>
        <input id="token" name="token" type="password" autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)} required />
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <p className="hint">The token stays in this tab (sessionStorage) and is sent only as the bearer header to this server.</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
