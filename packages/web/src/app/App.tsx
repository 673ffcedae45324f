import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Credentials } from '../auth/credentials.js';
import { setDisplayName } from '../auth/display-name.js';
import { savedResume, saveLastUser, saveResume } from '../auth/remembered.js';
import { SignIn } from '../auth/SignIn.js';
import { loadConfig, type WebClientConfig } from '../config/load-config.js';
import { ChatSession } from '../session/chat-session.js';
import { ChatApp } from './ChatApp.js';
import { useObservable } from './use-observable.js';

/** Loads the server's settings, then shows sign-in or the chat. */
export function App() {
  const [config, setConfig] = useState<WebClientConfig>();
  const [failure, setFailure] = useState<string>();
  const [session, setSession] = useState<ChatSession>();
  const [signInError, setSignInError] = useState<string>();

  useEffect(() => {
    loadConfig().then(setConfig, (err: unknown) => setFailure((err as Error).message));
  }, []);

  const begin = useCallback(
    async (credentials: Credentials, name: string) => {
      if (!config) return;
      if (name !== '' && config.namesEditable) await setDisplayName(credentials.userId, name);
      saveLastUser(credentials.userId, name);
      saveResume(credentials.resume);
      setSignInError(undefined);
      const next = new ChatSession(config, credentials);
      setSession(next);
      void next.start();
    },
    [config],
  );

  // a reload of a signed-in tab signs in again (token-URL sign-in retries by itself)
  useEffect(() => {
    if (!config || session) return;
    const resume = savedResume();
    if (resume?.mode === 'open' && config.auth === 'open') void begin({ userId: resume.userId, resume }, '');
    if (resume?.mode === 'pasted' && config.auth === 'token') {
      void begin({ userId: resume.userId, getToken: async () => resume.token, resume }, '');
    }
  }, [config, session, begin]);

  const signOut = useCallback(
    (reason?: string) => {
      saveResume(undefined);
      void session?.stop();
      setSession(undefined);
      setSignInError(reason);
    },
    [session],
  );

  if (failure) {
    return (
      <main class="sign-in">
        <div class="card">
          <h1>Parley</h1>
          <p class="error" role="alert">
            {failure}
          </p>
        </div>
      </main>
    );
  }
  if (!config) return <main class="sign-in" aria-busy="true" />;
  if (!session) return <SignIn config={config} error={signInError} onSignIn={(c, n) => void begin(c, n)} />;
  return <SignedIn session={session} onSignOut={signOut} />;
}

/** The chat, until the server refuses the sign-in for good. */
function SignedIn({ session, onSignOut }: { session: ChatSession; onSignOut: (reason?: string) => void }) {
  useObservable(session);
  useEffect(() => {
    if (session.fatal !== undefined) onSignOut(session.fatal);
  }, [session.fatal, onSignOut]);
  return <ChatApp session={session} onSignOut={() => onSignOut()} />;
}
