import type { ClientFrame } from '@parley/protocol';
import { joinRoom, leaveRoom } from '../rooms/membership.js';
import type { Session } from '../session.js';
import { block, blocked } from './block.js';
import { connect } from './connect.js';
import { conversations } from './conversations.js';
import { addFriend, removeFriend, respondFriend } from './friends.js';
import { changeGroup, createGroup, groups } from './groups.js';
import { history } from './history.js';
import { getIds } from './ids.js';
import { sendMessage } from './message.js';
import { recall } from './recall.js';
import { receivedThrough } from './received-through.js';
import { contacts, heartbeat, presence } from './simple.js';
import { updateStatus } from './status.js';

type Handler<F> = (s: Session, f: F) => void | Promise<void>;
type HandlerMap = { [A in ClientFrame['action']]: Handler<Extract<ClientFrame, { action: A }>> };

/** One handler per action of the protocol. */
export const handlers: HandlerMap = {
  '1': connect,
  '2': getIds,
  '3': sendMessage,
  '4': updateStatus,
  '5': heartbeat,
  '6': recall,
  '7': presence,
  '8': addFriend,
  '9': respondFriend,
  '10': removeFriend,
  '11': contacts,
  '12': history,
  '13': createGroup,
  '14': changeGroup,
  '15': groups,
  '17': conversations,
  '20': block,
  '21': blocked,
  '18': joinRoom,
  '19': leaveRoom,
  '22': receivedThrough,
};
