import type { GroupMember, GroupRole } from '@parley/client';
import { useState } from 'preact/hooks';
import type { ChatSession } from '../session/chat-session.js';
import type { Outcome } from '../session/group-actions.js';
import { Avatar } from '../ui/Avatar.js';
import { MemberPicker, pickedIds } from './MemberPicker.js';

const ROLE_NAMES: Record<GroupRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/**
 * A group's members with their roles; renaming and adding or removing members for its owner and
 * admins; leaving. What the server refuses (FORBIDDEN, NOT_MEMBER…) is said at the top.
 */
export function GroupInfoPanel({ session, groupId }: { session: ChatSession; groupId: string }) {
  const group = session.groups.get(groupId);
  const me = session.me;
  const myRole = session.groups.roleOf(groupId, me);
  const manager = group.member !== false && (myRole === 'owner' || myRole === 'admin');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  /** Runs a change; true when it went through. */
  const run = async (change: Promise<Outcome>, success: string): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    const outcome = await change;
    setBusy(false);
    if (outcome === undefined) setDone(success);
    else setError(outcome);
    return outcome === undefined;
  };
  const mayRemove = (m: GroupMember) =>
    m.userId !== me && (myRole === 'owner' || (myRole === 'admin' && m.role === 'member'));
  const members = group.members ?? [];

  return (
    <section class="group-info panel" aria-label="Group info" data-testid="group-info">
      {error !== undefined && (
        <p class="error" role="alert" data-testid="group-error">
          {error}
        </p>
      )}
      {done !== undefined && (
        <p class="muted" role="status">
          {done}
        </p>
      )}
      {group.member === false && <p class="muted">You are no longer a member of this group.</p>}
      {manager && (
        <RenameForm
          current={group.info?.name ?? ''}
          busy={busy}
          onRename={(name) => run(session.groupActions.rename(groupId, name), 'Renamed.')}
        />
      )}
      <section aria-labelledby="members-title">
        <h3 id="members-title">Members ({members.length || group.info?.memberCount || 0})</h3>
        {group.members === undefined && group.member !== false && <p class="muted">Loading members…</p>}
        <ul class="plain-list">
          {members.map((m) => {
            const name = m.name || m.userId;
            return (
              <li key={m.userId} class="member" data-member={m.userId}>
                <Avatar id={m.userId} title={name} online={undefined} />
                <span class="request-text">
                  {name}
                  {m.userId === me && <span class="muted"> (you)</span>}
                  {name !== m.userId && <span class="muted"> {m.userId}</span>}
                  {m.mutedUntilTs !== undefined && <span class="muted"> · muted</span>}
                </span>
                <span class={`role ${m.role}`}>{ROLE_NAMES[m.role]}</span>
                {manager && mayRemove(m) && (
                  <button
                    type="button"
                    class="button secondary"
                    disabled={busy}
                    aria-label={`Remove ${name} from the group`}
                    onClick={() =>
                      void run(session.groupActions.remove(groupId, m.userId), `${name} was removed.`)
                    }
                  >
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      {manager && (
        <AddMembersForm
          session={session}
          members={members}
          busy={busy}
          onAdd={(ids) => run(session.groupActions.add(groupId, ids), 'Added.')}
          onError={setError}
        />
      )}
      {group.member !== false && (
        <LeaveGroup
          busy={busy}
          onLeave={() => void run(session.groupActions.leave(groupId), 'You left the group.')}
        />
      )}
    </section>
  );
}

function RenameForm({
  current,
  busy,
  onRename,
}: {
  current: string;
  busy: boolean;
  onRename: (name: string) => Promise<boolean>;
}) {
  const [name, setName] = useState(current);
  return (
    <form
      class="stack"
      aria-labelledby="rename-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() !== '' && name.trim() !== current) void onRename(name.trim());
      }}
    >
      <h3 id="rename-title">Name</h3>
      <label>
        Group name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={128} required />
      </label>
      <div class="row">
        <button type="submit" class="button" disabled={busy}>
          Rename
        </button>
      </div>
    </form>
  );
}

function AddMembersForm({
  session,
  members,
  busy,
  onAdd,
  onError,
}: {
  session: ChatSession;
  members: readonly GroupMember[];
  busy: boolean;
  onAdd: (ids: string[]) => Promise<boolean>;
  onError: (text: string) => void;
}) {
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [others, setOthers] = useState('');
  const inGroup = new Set(members.map((m) => m.userId));
  const candidates = session.contacts
    .filter((c) => !inGroup.has(c.toId) && c.toId !== session.me)
    .map((c) => ({ userId: c.toId, name: c.toName || c.toId }));
  return (
    <form
      class="stack"
      aria-labelledby="add-members-title"
      onSubmit={(e) => {
        e.preventDefault();
        const { ids, error } = pickedIds(picked, others);
        if (error !== undefined) onError(error);
        else if (ids.length > 0) {
          void onAdd(ids).then((ok) => {
            if (!ok) return;
            setPicked(new Set());
            setOthers('');
          });
        }
      }}
    >
      <h3 id="add-members-title">Add members</h3>
      <MemberPicker
        legend="Contacts not in the group"
        candidates={candidates}
        picked={picked}
        onToggle={(id, on) => {
          const next = new Set(picked);
          if (on) next.add(id);
          else next.delete(id);
          setPicked(next);
        }}
        others={others}
        onOthers={setOthers}
      />
      <div class="row">
        <button type="submit" class="button" disabled={busy}>
          Add
        </button>
      </div>
    </form>
  );
}

/** Leaving asks once more: the buttons sit where a stray click could land. */
function LeaveGroup({ busy, onLeave }: { busy: boolean; onLeave: () => void }) {
  const [asking, setAsking] = useState(false);
  return (
    <section class="stack" aria-label="Leave the group">
      {asking ? (
        <div class="row">
          <span>Leave this group?</span>
          <button type="button" class="button danger" disabled={busy} onClick={onLeave}>
            Leave
          </button>
          <button type="button" class="button secondary" onClick={() => setAsking(false)}>
            Stay
          </button>
        </div>
      ) : (
        <div class="row">
          <button type="button" class="button secondary" onClick={() => setAsking(true)}>
            Leave group
          </button>
        </div>
      )}
    </section>
  );
}
