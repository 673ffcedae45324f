import { useState } from 'preact/hooks';
import type { ChatSession } from '../session/chat-session.js';
import { Avatar, presenceText } from '../ui/Avatar.js';

/** Contacts, contact requests both ways, adding a contact, starting a chat with any user id. */
export function ContactsPanel({
  session,
  onChat,
}: {
  session: ChatSession;
  onChat: (peerId: string) => void;
}) {
  const incoming = session.friends.listIncoming();
  const outgoing = session.friends.listOutgoing();
  return (
    <div class="panel">
      {incoming.length > 0 && (
        <section aria-labelledby="incoming-title">
          <h3 id="incoming-title">Contact requests</h3>
          <ul class="plain-list">
            {incoming.map((r) => (
              <li key={r.userId} class="request" data-testid="incoming-request">
                <Avatar id={r.userId} title={r.userId} online={undefined} />
                <span class="request-text">
                  <strong>{r.userId}</strong>
                  {r.message && <span class="muted"> “{r.message}”</span>}
                </span>
                <button
                  type="button"
                  class="button"
                  onClick={() => session.friendActions.respond(r.userId, true)}
                >
                  Accept
                </button>
                <button
                  type="button"
                  class="button secondary"
                  onClick={() => session.friendActions.respond(r.userId, false)}
                >
                  Decline
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <AddContactForm session={session} />
      {outgoing.length > 0 && (
        <section aria-labelledby="outgoing-title">
          <h3 id="outgoing-title">Waiting for an answer</h3>
          <ul class="plain-list">
            {outgoing.map((r) => (
              <li key={r.userId} class="request" data-testid="outgoing-request">
                <Avatar id={r.userId} title={r.userId} online={undefined} />
                <span class="request-text">{r.userId}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="contacts-title">
        <h3 id="contacts-title">Contacts</h3>
        {session.contacts.length === 0 ? (
          <p class="muted">No contacts yet.</p>
        ) : (
          <ul class="plain-list">
            {session.contacts.map((c) => {
              const online = session.presence.of(c.toId);
              return (
                <li key={c.toId} class="contact" data-contact={c.toId}>
                  <Avatar id={c.toId} title={c.toName || c.toId} online={online} />
                  <span class="request-text">
                    {c.toName || c.toId}
                    <span class="muted"> {c.toName && c.toName !== c.toId ? c.toId : ''}</span>
                    <span class="sr-only"> {presenceText(online)}</span>
                  </span>
                  <button type="button" class="button" onClick={() => onChat(c.toId)}>
                    Chat
                  </button>
                  <button
                    type="button"
                    class="button secondary"
                    aria-label={`Remove ${c.toId} from contacts`}
                    onClick={() => session.friendActions.remove(c.toId)}
                  >
                    Remove
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <StartChatForm onChat={onChat} />
    </div>
  );
}

function AddContactForm({ session }: { session: ChatSession }) {
  const [userId, setUserId] = useState('');
  const [message, setMessage] = useState('');
  return (
    <form
      class="stack"
      aria-labelledby="add-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (userId.trim() === '') return;
        void session.friendActions.add(userId, message).then((ok) => {
          if (ok) {
            setUserId('');
            setMessage('');
          }
        });
      }}
    >
      <h3 id="add-title">Add a contact</h3>
      <label>
        User id
        <input value={userId} onInput={(e) => setUserId(e.currentTarget.value)} autocomplete="off" required />
      </label>
      <label>
        Message (optional)
        <input value={message} onInput={(e) => setMessage(e.currentTarget.value)} maxLength={200} />
      </label>
      <button type="submit" class="button">
        Send request
      </button>
    </form>
  );
}

function StartChatForm({ onChat }: { onChat: (peerId: string) => void }) {
  const [userId, setUserId] = useState('');
  return (
    <form
      class="stack"
      aria-labelledby="start-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (userId.trim() !== '') onChat(userId.trim());
      }}
    >
      <h3 id="start-title">Message a user id</h3>
      <label>
        User id
        <input
          value={userId}
          onInput={(e) => setUserId(e.currentTarget.value)}
          autocomplete="off"
          data-testid="start-chat-id"
        />
      </label>
      <button type="submit" class="button">
        Start chat
      </button>
    </form>
  );
}
