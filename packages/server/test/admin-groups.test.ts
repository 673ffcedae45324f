import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { startTestServer } from './helpers/test-server.js';

describe('admin HTTP API: groups', () => {
  it("creates a group with the app's id, changes it as its owner, and members see it all live", async () => {
    const t = await startTestServer();
    const url = t.server.url;
    for (const id of ['alice', 'bob', 'carol']) await admin(url, 'PUT', `/v1/users/${id}`, { name: id });
    const bob = await t.connect('bob');
    const created = await admin(url, 'POST', '/v1/groups', {
      id: '~team-1',
      name: 'Team',
      ownerId: 'alice',
      members: ['bob'],
    });
    expect(created).toMatchObject({
      status: 201,
      body: { group: { id: '~team-1', ownerId: 'alice', memberCount: 2 } },
    });
    expect(await bob.nextAction('16')).toMatchObject({ toId: '~team-1', event: { type: 'created' } });
    expect(
      (await admin(url, 'POST', '/v1/groups', { id: '~team-1', name: 'x', ownerId: 'alice' })).status,
    ).toBe(400);

    const added = await admin(url, 'POST', '/v1/groups/~team-1/changes', { op: 'add', members: ['carol'] });
    expect(added).toMatchObject({ status: 200, body: { group: { memberCount: 3 } } });
    expect(await bob.nextAction('16')).toMatchObject({
      fromId: 'alice',
      event: { type: 'joined', users: ['carol'] },
    });
    // acting as a plain member, the role rules apply
    const refused = await admin(url, 'POST', '/v1/groups/~team-1/changes', {
      op: 'remove',
      members: ['carol'],
      actorId: 'bob',
    });
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });

    const info = await admin(url, 'GET', '/v1/groups/~team-1');
    expect(info.body.members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      ['alice', 'owner'],
      ['bob', 'member'],
      ['carol', 'member'],
    ]);
    expect(
      (await admin(url, 'GET', '/v1/users/carol/groups')).body.groups.map((g: { id: string }) => g.id),
    ).toEqual(['~team-1']);
  });

  it('refuses bad input with a reason', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    await admin(url, 'PUT', '/v1/users/alice', { name: 'alice' });
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/v1/groups', { name: 'x' }, 400, 'BAD_REQUEST'],
      ['POST', '/v1/groups', { name: '', ownerId: 'alice' }, 400, 'BAD_REQUEST'],
      ['POST', '/v1/groups', { id: 'team', name: 'x', ownerId: 'alice' }, 400, 'BAD_REQUEST'],
      ['POST', '/v1/groups', { name: 'x', ownerId: 'nobody' }, 404, 'UNKNOWN_USER'],
      ['POST', '/v1/groups', [1, 2], 400, 'BAD_REQUEST'],
      ['GET', '/v1/groups/~nope', undefined, 404, 'UNKNOWN_GROUP'],
      ['POST', '/v1/groups/~nope/changes', { op: 'leave' }, 404, 'UNKNOWN_GROUP'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await admin(url, method, path, body);
      expect([path, r.status, r.body.code], JSON.stringify(body)).toEqual([path, status, code]);
      expect(r.body.error).toEqual(expect.any(String));
    }
    await admin(url, 'POST', '/v1/groups', { id: '~g', name: 'x', ownerId: 'alice' });
    for (const body of [
      {},
      { op: 'fly' },
      { op: 'add' },
      { op: 'add', members: 'bob' },
      { op: 'mute', members: ['alice'], durationMs: -1 },
    ]) {
      const r = await admin(url, 'POST', '/v1/groups/~g/changes', body);
      expect([r.status, r.body.code], JSON.stringify(body)).toEqual([400, 'BAD_REQUEST']);
    }
  });
});
