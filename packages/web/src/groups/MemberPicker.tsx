import { USER_ID } from '../auth/credentials.js';

export interface Candidate {
  userId: string;
  name: string;
}

/** Contacts to tick, and a field for any other user ids (comma or space separated). */
export function MemberPicker({
  legend,
  candidates,
  picked,
  onToggle,
  others,
  onOthers,
}: {
  legend: string;
  candidates: readonly Candidate[];
  picked: ReadonlySet<string>;
  onToggle: (userId: string, on: boolean) => void;
  others: string;
  onOthers: (text: string) => void;
}) {
  return (
    <fieldset class="member-picker">
      <legend>{legend}</legend>
      {candidates.length === 0 ? (
        <p class="muted">No contacts to pick from: type user ids below.</p>
      ) : (
        <ul class="plain-list">
          {candidates.map((c) => (
            <li key={c.userId}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={picked.has(c.userId)}
                  onChange={(e) => onToggle(c.userId, e.currentTarget.checked)}
                />
                <span>
                  {c.name}
                  {c.name !== c.userId && <span class="muted"> {c.userId}</span>}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      <label>
        Other user ids
        <input
          value={others}
          onInput={(e) => onOthers(e.currentTarget.value)}
          autocomplete="off"
          placeholder="comma or space separated"
        />
      </label>
    </fieldset>
  );
}

/**
 * The ids picked and typed, each once; `error` names the first typed one that is not a user id.
 */
export function pickedIds(
  picked: ReadonlySet<string>,
  others: string,
): { ids: string[]; error?: string | undefined } {
  const typed = others.split(/[\s,，]+/).filter((s) => s !== '');
  const bad = typed.find((id) => !USER_ID.test(id));
  if (bad !== undefined) return { ids: [], error: `“${bad}” is not a user id.` };
  return { ids: [...new Set([...picked, ...typed])] };
}
