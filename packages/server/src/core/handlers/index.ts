import { type ClientFrame, ErrorCode } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';
import { connect } from './connect.js';
import { history } from './history.js';
import { getIds } from './ids.js';
import { sendMessage } from './message.js';
import { contacts, heartbeat } from './simple.js';
import { updateStatus } from './status.js';

type Handler<F> = (s: Session, f: F) => void | Promise<void>;
type HandlerMap = { [A in ClientFrame['action']]: Handler<Extract<ClientFrame, { action: A }>> };

const notYet = (): never => {
  throw new CoreError(ErrorCode.UnknownAction, 'this action is not supported by this server yet');
};

/** One handler per action of the protocol. */
export const handlers: HandlerMap = {
  '1': connect,
  '2': getIds,
  '3': sendMessage,
  '4': updateStatus,
  '5': heartbeat,
  '6': notYet,
  '7': notYet,
  '8': notYet,
  '9': notYet,
  '11': contacts,
  '12': history,
};
