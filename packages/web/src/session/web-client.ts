/** The SDK client a signed-in page uses: its outbox kept in the browser, and a quicker reconnect. */
import { ParleyClient } from '@parley/client';
import type { Credentials } from '../auth/credentials.js';
import { webSocketUrl } from '../config/load-config.js';
import { type OutboxHooks, WebOutbox } from './web-outbox.js';

/** A client for the signed-in user, on this page's server; `hooks` hear of the outbox's changes. */
export function createWebClient(credentials: Credentials, hooks: OutboxHooks): ParleyClient {
  const outbox = new WebOutbox(credentials.userId, hooks);
  return new ParleyClient({
    url: webSocketUrl(),
    userId: credentials.userId,
    outbox,
    ...(credentials.getToken && { getToken: credentials.getToken }),
    // a person waits for the banner to go: come back sooner than the SDK's 30 s ceiling
    reconnectMaxMs: 5_000,
  });
}
