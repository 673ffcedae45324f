import { describe, expect, it } from 'vitest';
import { conversationKind, isGroupId, isRoomId, isUserId, validateClientFrame } from '../src/index.js';

describe('conversation ids', () => {
  it('never mistakes a group or room id for a user id, or the other way round', () => {
    for (const id of ['~trip', '~k3v9x2m4qa', '~a.b-c_d']) {
      expect([id, isGroupId(id), isUserId(id), isRoomId(id), conversationKind(id)]).toEqual([
        id,
        true,
        false,
        false,
        'group',
      ]);
    }
    for (const id of ['!lobby', '!a']) {
      expect([id, isRoomId(id), isUserId(id), isGroupId(id), conversationKind(id)]).toEqual([
        id,
        true,
        false,
        false,
        'room',
      ]);
    }
    for (const id of ['HK0001', 'a@b.c', 'x+y:z'])
      expect([id, conversationKind(id), isGroupId(id)]).toEqual([id, 'user', false]);
    for (const bad of ['~', '!', '~a b', `~${'a'.repeat(64)}`, '~a@b', '~~a', 'a~b']) {
      expect([bad, isGroupId(bad) || isRoomId(bad)]).toEqual([bad, false]);
    }
  });
});

describe('group, conversation and room frames', () => {
  const ok = (frame: unknown) => {
    const r = validateClientFrame(frame);
    if (!r.ok) throw new Error(r.error);
    return r.frame;
  };
  const error = (frame: unknown) => {
    const r = validateClientFrame(frame);
    return r.ok ? 'accepted' : r.error;
  };

  it('accepts the documented examples', () => {
    ok({ action: '13', fromId: 'alice', name: 'Trip 🏔', members: ['bob', 'carol'] });
    ok({ action: '14', fromId: 'alice', toId: '~k3v9x2m4qa', op: 'add', members: ['dave'] });
    ok({ action: '14', fromId: 'alice', toId: '~g', op: 'mute', members: ['bob'], durationMs: 60_000 });
    ok({ action: '14', fromId: 'alice', toId: '~g', op: 'muteAll', on: true });
    ok({ action: 14, fromId: 'alice', toId: '~g', op: 'leave' });
    ok({ action: '15', fromId: 'bob' });
    ok({ action: '15', fromId: 'bob', toId: '~g' });
    ok({ action: '17', fromId: 'bob', pageSize: 20, before: '1795312800000.~g' });
    ok({ action: '18', fromId: 'bob', toId: '!lobby' });
    ok({ action: '19', fromId: 'bob', toId: '!lobby' });
    ok({ action: '3', fromId: 'a', toId: '~g', chatMsg: { id: 'MSG000001', type: 0, message: 'x' } });
    ok({ action: '3', fromId: 'a', toId: '!lobby', chatMsg: { id: 'MSG000001', type: 0, message: 'x' } });
    ok({ action: '4', fromId: 'a', toId: '~g', chatMsg: { id: 'MSG000001', status: 2 } });
    ok({ action: '12', fromId: 'a', toId: '~g', baseSeq: 10 });
  });

  it('keeps only the fields of the op', () => {
    expect(
      ok({ action: '14', fromId: 'a', toId: '~g', op: 'rename', name: 'n', members: ['x'], on: true }),
    ).toEqual({
      action: '14',
      fromId: 'a',
      toId: '~g',
      op: 'rename',
      name: 'n',
    });
  });

  it('names what is wrong', () => {
    expect(error({ action: '14', fromId: 'a', toId: '~g' })).toBe('op is required');
    expect(error({ action: '14', fromId: 'a', toId: '~g', op: 'toString' })).toMatch(/op must be one of/);
    expect(error({ action: '14', fromId: 'a', toId: '~g', op: '__proto__' })).toMatch(/op must be one of/);
    expect(error({ action: '14', fromId: 'a', toId: '~g', op: 'add', members: [] })).toMatch(
      /members must have 1 to 100/,
    );
    expect(error({ action: '14', fromId: 'a', toId: 'bob', op: 'leave' })).toMatch(/toId must be a group id/);
    expect(error({ action: '13', fromId: 'a', name: 'x', members: [1] })).toMatch(
      /members\[0\] must be a string/,
    );
    expect(
      error({ action: '4', fromId: 'a', toId: '!room', chatMsg: { id: 'MSG000001', status: 1 } }),
    ).toMatch(/user id or a group id/);
    expect(error({ action: '18', fromId: 'a', toId: '~g' })).toMatch(/room id/);
    expect(error({ action: '12', fromId: 'a', toId: '~g', baseSeq: 1.5 })).toMatch(
      /baseSeq must be an integer/,
    );
  });
});
