import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatSession } from '../session/chat-session.js';
import { MemberPicker, pickedIds } from './MemberPicker.js';

/** A new group: a name and members picked from the contacts (or typed); the creator owns it. */
export function CreateGroupForm({
  session,
  onCreated,
  onCancel,
}: {
  session: ChatSession;
  onCreated: (groupId: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [others, setOthers] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const nameField = useRef<HTMLInputElement>(null);
  useEffect(() => nameField.current?.focus(), []);
  const candidates = session.contacts
    .filter((c) => c.toId !== session.me)
    .map((c) => ({ userId: c.toId, name: c.toName || c.toId }));

  const submit = async () => {
    const { ids, error: bad } = pickedIds(picked, others);
    if (name.trim() === '') return setError('Give the group a name.');
    if (bad !== undefined) return setError(bad);
    setBusy(true);
    const result = await session.groupActions.create(name.trim(), ids);
    setBusy(false);
    if ('error' in result) setError(result.error);
    else onCreated(result.id);
  };

  return (
    <form
      class="panel stack"
      aria-labelledby="new-group-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="new-group-title">New group</h3>
      <label>
        Group name
        <input
          ref={nameField}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          maxLength={128}
          required
        />
      </label>
      <MemberPicker
        legend="Members"
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
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" class="button" disabled={busy}>
          Create group
        </button>
        <button type="button" class="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
