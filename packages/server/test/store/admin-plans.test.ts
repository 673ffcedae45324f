import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SQL } from '../../src/store/postgres/statements.js';
import { freshSchema, PG_URL, pgStore } from '../helpers/postgres.js';
import { pgPlan, sqlitePlans } from '../helpers/query-plans.js';
import { onCleanup } from '../helpers/test-server.js';

/**
 * The statements of the server API and retention read by index: sweeps walk the oldest end of a
 * time index (range deletes), a deletion reads the user's ranges, and nothing scans a table.
 */
describe('index plans of the admin and retention statements', () => {
  it('SQLite: searches indexes, never scans a table or sorts', async () => {
    const { sql, plan } = await sqlitePlans();
    const names = [
      'tokensValidFrom',
      'revokeTokens',
      'membershipsOf',
      'eraseMessage',
      'deleteTimelineChunk',
      'deletePendingChunk',
      'deleteNoticesChunk',
      'deleteConversationsChunk',
      'deleteContactsChunk',
      'deleteContactOfChunk',
      'deleteRequestsFromChunk',
      'deleteRequestsToChunk',
      'deleteReservationsChunk',
      'deleteBlocksChunk',
      'deleteBlockedByChunk',
      'deleteMembershipsChunk',
      'deleteUploadUsageChunk',
      'redactOutboxChunk',
      'oldMessages',
      'idBoundAt',
      'dropIdClockBefore',
      'deleteEntry',
      'deleteGroupEntries',
      'deleteMessage',
      'expirePending',
      'file',
      'blobInUse',
      'filesOf',
      'filesBefore',
    ];
    for (const name of names) {
      const text = sql[name]?.source;
      expect(text, name).toBeDefined();
      const p = plan(text!);
      expect(p, name).not.toMatch(/\bSCAN (?!.*USING)/);
      expect(p, name).not.toMatch(/TEMP B-TREE/);
    }
    // by id, up to the bound id_clock gives (no index of message times)
    expect(plan(sql.oldMessages!.source)).toMatch(/SEARCH messages USING INDEX messages_by_id \(msg_id<\?\)/);
    expect(plan(sql.idBoundAt!.source)).toMatch(/SEARCH id_clock USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(plan(sql.expirePending!.source)).toMatch(
      /pending USING (COVERING )?INDEX pending_by_time \(time_ms<\?\)/,
    );
    expect(plan(sql.filesBefore!.source)).toMatch(
      /files USING (COVERING )?INDEX files_by_time \(created_ms<\?\)/,
    );
    expect(plan(sql.deleteContactOfChunk!.source)).toMatch(/contacts_by_contact/);
    expect(plan(sql.deleteBlockedByChunk!.source)).toMatch(/blocks_by_blocked/);
    expect(plan(sql.redactOutboxChunk!.source)).toMatch(/webhook_outbox_by_sender/);
  });

  it('PostgreSQL: reads indexes in custom and generic plans, never a sequential scan or a sort', async () => {
    const schema = freshSchema();
    await pgStore(schema);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    onCleanup(() => client.end());
    await client.query(`SET search_path TO "${schema}"`);
    // enough rows that a sequential scan or a sort would cost more than an index
    await client.query(`
      INSERT INTO users (id, name, created_ms) SELECT 'u' || i, 'U' || i, 0 FROM generate_series(1, 20000) i;
      INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms)
        SELECT i, 'u' || (i % 2000 + 1), 'u' || ((i * 7) % 2000 + 1), 0, 'body', 'd', 1, i FROM generate_series(1, 60000) i;
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming)
        SELECT 'u' || (i % 2000 + 1), i, i, 'u' || ((i * 7) % 2000 + 1), i % 2 = 0 FROM generate_series(1, 60000) i;
      INSERT INTO pending (user_id, seq, msg_id, time_ms)
        SELECT 'u' || (i % 2000 + 1), i, i, i FROM generate_series(1, 60000, 3) i;
      INSERT INTO notices (user_id, frame) SELECT 'u' || (i % 2000 + 1), '{}' FROM generate_series(1, 60000) i;
      INSERT INTO reservations (msg_id, user_id, reserved_ms)
        SELECT 100000 + i, 'u' || (i % 2000 + 1), i FROM generate_series(1, 60000) i;
      INSERT INTO friend_requests (from_id, to_id, message, time_ms, status)
        SELECT 'u' || (i % 2000 + 1), 'u' || ((i * 13) % 1999 + 1), 'hi', i, i % 3 FROM generate_series(1, 60000) i
        ON CONFLICT DO NOTHING;
      INSERT INTO contacts (user_id, contact_id, position)
        SELECT 'u' || (i % 2000 + 1), 'u' || ((i * 17) % 1999 + 1), i FROM generate_series(1, 60000) i ON CONFLICT DO NOTHING;
      INSERT INTO blocks (user_id, blocked_id, time_ms)
        SELECT 'u' || (i % 2000 + 1), 'u' || ((i * 17) % 1999 + 1), i FROM generate_series(1, 60000) i ON CONFLICT DO NOTHING;
      INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id)
        SELECT 'u' || (i % 2000 + 1), 'u' || ((i * 11) % 1999 + 1), i, i FROM generate_series(1, 60000) i ON CONFLICT DO NOTHING;
      INSERT INTO groups (id, name, owner_id, member_count, created_ms)
        SELECT '~g' || i, 'G', 'u1', 10, 0 FROM generate_series(1, 3000) i;
      INSERT INTO group_members (group_id, user_id, role, joined_seq, read_seq, delivered_seq)
        SELECT '~g' || (i % 3000 + 1), 'u' || (i % 2000 + 1), 2, 0, 0, 0 FROM generate_series(1, 60000) i ON CONFLICT DO NOTHING;
      INSERT INTO group_timeline (group_id, seq, kind, msg_id, actor_id, time_ms)
        SELECT '~g' || (i % 3000 + 1), i, 0, 200000 + i, 'u1', i FROM generate_series(1, 60000) i;
      INSERT INTO upload_usage (owner, day, bytes) SELECT 'u' || (i % 2000 + 1), i, 1 FROM generate_series(1, 60000) i;
      INSERT INTO files (id, owner, sha256, size, created_ms)
        SELECT 'f' || i, 'u' || (i % 2000 + 1), md5(i::text), 1, i FROM generate_series(1, 60000) i;
      INSERT INTO token_revocations (user_id, valid_from_ms) SELECT 'u' || i, i FROM generate_series(1, 20000) i;
      INSERT INTO pending_counts (user_id, n) SELECT 'u' || i, 1 FROM generate_series(1, 20000) i;
      INSERT INTO webhook_outbox (conv, type, time_ms, body, from_id)
        SELECT 'c' || i, 'message.sent', i, '{}', CASE WHEN i % 10 = 0 THEN 'u' || (i % 2000 + 1) END
        FROM generate_series(1, 60000) i;
      ANALYZE;
    `);
    const params: Partial<Record<keyof typeof SQL, unknown[]>> = {
      tokensValidFrom: ['u5'],
      revokeTokens: ['u5', 10],
      membershipsOf: ['u5'],
      eraseMessage: [77],
      forgetDigest: [77],
      deleteTimelineChunk: ['u5', 100],
      deletePendingChunk: ['u5', 100],
      deleteNoticesChunk: ['u5', 100],
      deleteConversationsChunk: ['u5', 100],
      deleteContactsChunk: ['u5', 100],
      deleteContactOfChunk: ['u5', 100],
      deleteRequestsFromChunk: ['u5', 100],
      deleteRequestsToChunk: ['u5', 100],
      deleteReservationsChunk: ['u5', 100],
      deleteBlocksChunk: ['u5', 100],
      deleteBlockedByChunk: ['u5', 100],
      deleteMembershipsChunk: ['u5', 100],
      deleteUploadUsageChunk: ['u5', 100],
      redactOutboxChunk: ['u5', 100],
      deletePendingCount: ['u5'],
      deleteUserRow: ['u5'],
      oldMessages: [100, 50],
      lockUsersSkipLocked: [['u5', 'u6']],
      deleteMessages: [[7, 8], ['u5', 'u6'], [7, 8], ['~g5'], [200005]],
      oldPending: [100, 50],
      deletePendingRows: [
        ['u5', 'u6'],
        [7, 8],
      ],
      recordFile: ['f1', 'u1', 'x', 1, 1],
      dropFiles: [['f7', 'f8']],
      filesOf: ['u5', 50],
      filesBefore: [100, 50],
    };
    /**
     * The lock of a few users sorts them into id order, and a user's memberships are read whole
     * (a bitmap scan of the index may come first): a few rows, not a table.
     */
    const sortsItsRun = new Set(['lockUsersSkipLocked', 'membershipsOf']);
    const tables =
      'users|messages|user_timeline|pending|pending_counts|notices|reservations|friend_requests|contacts|blocks|conversations|group_members|group_timeline|upload_usage|files|token_revocations|webhook_outbox';
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query(`SET plan_cache_mode = ${mode}`);
      for (const [name, values] of Object.entries(params)) {
        const { text } = SQL[name as keyof typeof SQL];
        const plan = await pgPlan(client, text, values);
        if (process.env.SHOW_PLANS) console.log(mode, name, plan);
        expect(plan, `${mode} ${name}`).not.toMatch(new RegExp(`Seq Scan on (${tables})\\b`));
        if (!sortsItsRun.has(name)) expect(plan, `${mode} ${name}`).not.toMatch(/Sort Key/);
        if (name === 'oldMessages') expect(plan, `${mode} ${name}`).toMatch(/messages_by_time/);
        if (name === 'oldPending') expect(plan, `${mode} ${name}`).toMatch(/pending_by_time/);
        if (name === 'filesBefore') expect(plan, `${mode} ${name}`).toMatch(/files_by_time/);
        if (name === 'redactOutboxChunk') expect(plan, `${mode} ${name}`).toMatch(/webhook_outbox_by_sender/);
      }
    }
  });
});
