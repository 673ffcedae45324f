/**
 * The webhook outbox (one migration, self-contained): events in commit order (`id`), the body to
 * POST, and when each was delivered. Undelivered events are found through a partial index, so
 * delivered rows kept for WEBHOOK_RETENTION_MS cost the dispatcher nothing.
 */
export const OUTBOX_TABLES = `
  CREATE TABLE webhook_outbox (
    id INTEGER PRIMARY KEY,
    conv TEXT NOT NULL,
    type TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    delivered_ms INTEGER
  );
  CREATE INDEX webhook_outbox_pending ON webhook_outbox (id) WHERE delivered_ms IS NULL;
  CREATE INDEX webhook_outbox_by_time ON webhook_outbox (time_ms);
  `;
