import { useEffect, useState } from 'preact/hooks';
import { ChatView } from '../chat/ChatView.js';
import { ContactsPanel } from '../contacts/ContactsPanel.js';
import { ConversationListView } from '../conversations/ConversationListView.js';
import { idOf } from '../conversations/conversation.js';
import { CreateGroupForm } from '../groups/CreateGroupForm.js';
import type { ChatSession } from '../session/chat-session.js';
import { Notice } from '../ui/Notice.js';
import { ReconnectBanner } from '../ui/ReconnectBanner.js';
import { chatInHash, openChatInHash } from './route.js';
import { useObservable } from './use-observable.js';

type Tab = 'chats' | 'contacts';

/** The signed-in screens: the list (or contacts) beside the open chat; one of them on a phone. */
export function ChatApp({ session, onSignOut }: { session: ChatSession; onSignOut: () => void }) {
  useObservable(session);
  const [tab, setTab] = useState<Tab>('chats');
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    const follow = () => {
      const id = chatInHash();
      if (id === undefined) session.closeChat();
      else session.openId(id);
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [session]);

  const active = session.activeKey === undefined ? undefined : session.conversations.get(session.activeKey);
  const incoming = session.friends.listIncoming().length;
  const unread = session.conversations.totalUnread();
  const openChat = (conversationId: string) => {
    setTab('chats');
    setCreating(false);
    openChatInHash(conversationId);
  };

  return (
    <div class={active ? 'layout chat-open' : 'layout'}>
      <aside class="sidebar" aria-label="Conversations and contacts">
        <header class="me">
          <span class="me-id" data-testid="me">
            {session.me}
          </span>
          <span class={`connection ${session.connection}`} title={session.connection}>
            {session.connection === 'connected' ? 'online' : session.connection}
          </span>
          <button type="button" class="link-button" onClick={onSignOut}>
            Sign out
          </button>
        </header>
        <div class="tabs" role="tablist" aria-label="View">
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'chats'}
            class={tab === 'chats' ? 'tab active' : 'tab'}
            onClick={() => setTab('chats')}
          >
            Chats{unread > 0 && <span class="badge">{unread}</span>}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'contacts'}
            class={tab === 'contacts' ? 'tab active' : 'tab'}
            onClick={() => setTab('contacts')}
          >
            Contacts{incoming > 0 && <span class="badge">{incoming}</span>}
          </button>
        </div>
        <div class="sidebar-body">
          {tab === 'chats' && creating ? (
            <CreateGroupForm session={session} onCreated={openChat} onCancel={() => setCreating(false)} />
          ) : tab === 'chats' ? (
            <ConversationListView
              session={session}
              onOpen={(c) => openChat(idOf(c.ref))}
              onNewGroup={() => setCreating(true)}
            />
          ) : (
            <ContactsPanel session={session} onChat={openChat} />
          )}
        </div>
      </aside>
      <main class="main">
        {active ? (
          <ChatView
            key={active.key}
            session={session}
            conversation={active.ref}
            onBack={() => openChatInHash(undefined)}
          />
        ) : (
          <div class="placeholder">
            <p>Pick a conversation, start one from Contacts, or create a group.</p>
          </div>
        )}
      </main>
      <ReconnectBanner visible={session.reconnecting} />
      <Notice text={session.notice} onDismiss={() => session.dismissNotice()} />
    </div>
  );
}
