/** Frame `action` values. The wire always carries them as strings. */
export const Action = {
  Error: '0',
  Connect: '1',
  GetIds: '2',
  Message: '3',
  Status: '4',
  Heartbeat: '5',
  Recall: '6',
  Presence: '7',
  FriendRequest: '8',
  FriendResponse: '9',
  Unfriend: '10',
  Contacts: '11',
  History: '12',
  CreateGroup: '13',
  ChangeGroup: '14',
  Groups: '15',
  GroupEvent: '16',
  Conversations: '17',
  JoinRoom: '18',
  LeaveRoom: '19',
  Block: '20',
  Blocked: '21',
  ReceivedThrough: '22',
} as const;

export type ActionCode = (typeof Action)[keyof typeof Action];

/** `chatMsg.type`: 0 text, 1 file (the message is the file's URL), 2 app-defined opaque string. */
export const MsgType = { Text: 0, File: 1, App: 2 } as const;
export type MsgTypeCode = (typeof MsgType)[keyof typeof MsgType];

/** `chatMsg.status`: 0 sending (client side only), 1 sent (stored, unread), 2 read. */
export const MsgStatus = { Sending: 0, Sent: 1, Read: 2 } as const;
export type MsgStatusCode = (typeof MsgStatus)[keyof typeof MsgStatus];
