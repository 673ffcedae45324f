import type { MsgTypeCode } from './actions.js';
import type { ClientFrame, SendMessageFrame, StatusFrame } from './frames.js';
import { CONVERSATION_ID_PATTERN, USER_ID_PATTERN, USER_OR_GROUP_ID_PATTERN } from './ids.js';

/**
 * A fast path for the frames every message costs, as clients write them: action 3 (the message),
 * action 4 (the recipient's confirmation or receipt), and the bare actions 2 and 5. One anchored
 * pattern per action takes the frame in exactly the form JSON.stringify gives it with the fields
 * in the protocol's order (no spaces, no other fields) and yields the frame the schema would.
 *
 * Anything else (another order, whitespace, unknown fields, a number where a string is expected,
 * an escape that does not decode, a lone surrogate) gives undefined and takes the full way: JSON,
 * then the schema. So every error comes from the full path, and whatever is taken here is a frame
 * the full path accepts, field for field (the protocol tests check both ways on a corpus).
 */
export function parseHotFrame(text: string): ClientFrame | undefined {
  // `{"action":"` then one digit then `"`
  if (text.charCodeAt(12) !== QUOTE || !text.startsWith(ACTION_HEAD)) return undefined;
  switch (text.charCodeAt(11)) {
    case DIGIT_3:
      return message(text);
    case DIGIT_4:
      return status(text);
    case DIGIT_2:
    case DIGIT_5:
      return bare(text);
    default:
      return undefined;
  }
}

const ACTION_HEAD = '{"action":"';
const QUOTE = 0x22;
const BACKSLASH = '\\';
const DIGIT_2 = 0x32;
const DIGIT_3 = 0x33;
const DIGIT_4 = 0x34;
const DIGIT_5 = 0x35;

/** A pattern's body without its `^…$` anchors, to place inside a larger one. */
function inner(pattern: RegExp): string {
  const s = pattern.source;
  if (!s.startsWith('^') || !s.endsWith('$')) throw new Error(`not an anchored pattern: ${s}`);
  return s.slice(1, -1);
}

const USER = inner(USER_ID_PATTERN);
const CONVERSATION = inner(CONVERSATION_ID_PATTERN);
const USER_OR_GROUP = inner(USER_OR_GROUP_ID_PATTERN);
/** A character a JSON string may hold as is: not `"`, `\` or a control character. */
const PLAIN = String.raw`[^"\\\u0000-\u001f]`;
/**
 * A JSON string's contents, escapes included (JSON.parse decodes them, or refuses the frame); as
 * runs of plain characters between escapes, so that a long body costs no backtracking state.
 */
const ANY = String.raw`${PLAIN}*(?:\\.${PLAIN}*)*`;

const MESSAGE = new RegExp(
  String.raw`^\{"action":"3","fromId":"(${USER})","toId":"(${CONVERSATION})",` +
    String.raw`"chatMsg":\{"id":"(${PLAIN}{1,32})","type":([012]),"message":"(${ANY})"` +
    String.raw`(?:,"status":([012]))?(?:,"time":"(${PLAIN}{0,64})")?\}(?:,"store":(true|false))?\}$`,
);

const STATUS = new RegExp(
  String.raw`^\{"action":"4","fromId":"(${USER})","toId":"(${USER_OR_GROUP})",` +
    String.raw`"chatMsg":\{"id":"(${PLAIN}{1,32})","status":([12])\}\}$`,
);

const BARE = new RegExp(String.raw`^\{"action":"([25])","fromId":"(${USER})"\}$`);

function message(text: string): SendMessageFrame | undefined {
  const m = MESSAGE.exec(text);
  if (!m) return undefined;
  const id = m[3]!;
  const body = decoded(m[5]!);
  const time = m[7];
  if (body === undefined || !id.isWellFormed() || (time !== undefined && !time.isWellFormed())) {
    return undefined;
  }
  const chatMsg: SendMessageFrame['chatMsg'] = { id, type: Number(m[4]) as MsgTypeCode, message: body };
  if (m[6] !== undefined) chatMsg.status = Number(m[6]);
  if (time !== undefined) chatMsg.time = time;
  const frame: SendMessageFrame = { action: '3', fromId: m[1]!, toId: m[2]!, chatMsg };
  if (m[8] !== undefined) frame.store = m[8] === 'true';
  return frame;
}

function status(text: string): StatusFrame | undefined {
  const m = STATUS.exec(text);
  if (!m) return undefined;
  const id = m[3]!;
  if (!id.isWellFormed()) return undefined;
  return {
    action: '4',
    fromId: m[1]!,
    toId: m[2]!,
    chatMsg: { id, status: m[4] === '1' ? 1 : 2 },
  };
}

function bare(text: string): ClientFrame | undefined {
  const m = BARE.exec(text);
  if (!m) return undefined;
  return { action: m[1] === '2' ? '2' : '5', fromId: m[2]! };
}

/** A JSON string's contents as the string it stands for; undefined if it does not decode to valid Unicode. */
function decoded(raw: string): string | undefined {
  let s = raw;
  if (raw.includes(BACKSLASH)) {
    try {
      s = JSON.parse(`"${raw}"`) as string;
    } catch {
      return undefined;
    }
  }
  return s.isWellFormed() ? s : undefined;
}
