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

/**
 * Events that carry a user's own words (a message's text, a friend request's) name that user in
 * `from_id`, so that deleting the account finds them through a small partial index and blanks them
 * (`redactOutboxChunk`); events written before this version get it from their body.
 */
export const OUTBOX_SENDER = `
  ALTER TABLE webhook_outbox ADD COLUMN from_id TEXT;
  UPDATE webhook_outbox SET from_id = json_extract(body, '$.data.fromId')
    WHERE type IN ('message.sent', 'friend.requested');
  CREATE INDEX webhook_outbox_by_sender ON webhook_outbox (from_id) WHERE from_id IS NOT NULL;
  `;
