import { useEffect, useState } from 'preact/hooks';
import type { WebClientConfig } from '../config/load-config.js';
import { type Credentials, USER_ID } from './credentials.js';
import { lastUser } from './remembered.js';
import { fetchToken, tokenUrlCredentials } from './token-url.js';

export interface SignInProps {
  config: WebClientConfig;
  /** Why the last session ended, if it did not end by signing out. */
  error: string | undefined;
  onSignIn: (credentials: Credentials, name: string) => void;
}

/**
 * Open mode: pick a user id (and a name). Token mode: a token from the app's backend
 * (WEB_TOKEN_URL), or, without one, a token pasted in (for trying a server out).
 */
export function SignIn({ config, error, onSignIn }: SignInProps) {
  return (
    <main class="sign-in">
      <div class="card">
        <h1>Parley</h1>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {config.auth === 'open' ? (
          <OpenSignIn config={config} onSignIn={onSignIn} />
        ) : config.tokenUrl !== undefined ? (
          <TokenUrlSignIn tokenUrl={config.tokenUrl} onSignIn={onSignIn} />
        ) : (
          <PastedTokenSignIn onSignIn={onSignIn} />
        )}
      </div>
    </main>
  );
}

function OpenSignIn({ config, onSignIn }: Pick<SignInProps, 'config' | 'onSignIn'>) {
  const last = lastUser();
  const [userId, setUserId] = useState(last.userId);
  const [name, setName] = useState(last.name);
  const valid = USER_ID.test(userId);
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onSignIn({ userId, resume: { mode: 'open', userId } }, name.trim());
      }}
    >
      <p class="muted">
        This server is in open mode: anyone who reaches it may sign in as any user. Pick who you are.
      </p>
      <label>
        User id
        <input
          name="userId"
          value={userId}
          onInput={(e) => setUserId(e.currentTarget.value.trim())}
          autocomplete="username"
          pattern="[A-Za-z0-9_.@:+\-]{1,64}"
          title="1 to 64 letters, digits and _ . @ : + -"
          required
        />
      </label>
      {config.namesEditable && (
        <label>
          Display name (optional)
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={128} />
        </label>
      )}
      <button type="submit" class="button" disabled={!valid}>
        Sign in
      </button>
    </form>
  );
}

function TokenUrlSignIn({ tokenUrl, onSignIn }: { tokenUrl: string; onSignIn: SignInProps['onSignIn'] }) {
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: true });
  const attempt = () => {
    setState({ busy: true });
    fetchToken(tokenUrl).then(
      (issued) => onSignIn(tokenUrlCredentials(tokenUrl, issued), ''),
      (err: unknown) => setState({ busy: false, error: (err as Error).message }),
    );
  };
  useEffect(attempt, [tokenUrl]);
  return (
    <div class="stack">
      {state.busy ? (
        <p role="status">Signing you in…</p>
      ) : (
        <>
          <p class="error" role="alert">
            {state.error}
          </p>
          <button type="button" class="button" onClick={attempt}>
            Try again
          </button>
        </>
      )}
    </div>
  );
}

function PastedTokenSignIn({ onSignIn }: { onSignIn: SignInProps['onSignIn'] }) {
  const [userId, setUserId] = useState(lastUser().userId);
  const [token, setToken] = useState('');
  const valid = USER_ID.test(userId) && token.trim() !== '';
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        const t = token.trim();
        if (valid)
          onSignIn({ userId, getToken: async () => t, resume: { mode: 'pasted', userId, token: t } }, '');
      }}
    >
      <p class="muted">
        This server needs a user token, and no token service is configured (WEB_TOKEN_URL). Paste a token your
        app's backend issued (POST /v1/tokens).
      </p>
      <label>
        User id
        <input value={userId} onInput={(e) => setUserId(e.currentTarget.value.trim())} required />
      </label>
      <label>
        Token
        <textarea value={token} onInput={(e) => setToken(e.currentTarget.value)} rows={3} required />
      </label>
      <button type="submit" class="button" disabled={!valid}>
        Sign in
      </button>
    </form>
  );
}
