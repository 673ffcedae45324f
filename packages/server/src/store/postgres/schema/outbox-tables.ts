/**
 * The webhook outbox (one migration, self-contained): events by `id`, drawn from the sequence at
 * the end of the writing transaction, after its user and group locks, so the events of one
 * conversation are numbered in commit order; the body to POST; when each was delivered.
 * Undelivered events are found through a partial index.
 */
export const OUTBOX_TABLES = `
  CREATE TABLE webhook_outbox (
    id BIGSERIAL PRIMARY KEY,
    conv TEXT COLLATE "C" NOT NULL,
    type TEXT NOT NULL,
    time_ms BIGINT NOT NULL,
    body TEXT NOT NULL,
    delivered_ms BIGINT
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
  ALTER TABLE webhook_outbox ADD COLUMN from_id TEXT COLLATE "C";
  UPDATE webhook_outbox SET from_id = body::jsonb #>> '{data,fromId}'
    WHERE type IN ('message.sent', 'friend.requested');
  CREATE INDEX webhook_outbox_by_sender ON webhook_outbox (from_id) WHERE from_id IS NOT NULL;
  `;
