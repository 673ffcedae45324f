#!/usr/bin/env node
import { createServer } from 'node:http';
import type { ClientFrame, ErrorFrame, ServerFrame } from '@parley/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import { listenAndAnnounce, RelayLogic } from './common.js';
import { RelayConversations } from './relay-conversations.js';

/**
 * Baseline 1: the bare floor. A `ws` server that parses Parley frames, acks and forwards them with
 * no storage and no validation. Whatever Parley costs above this is the price of its guarantees.
 */
const logic = new RelayLogic();
const conversations = new RelayConversations<WebSocket>();
const online = new Map<string, Set<WebSocket>>();
const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 128 * 1024 });

http.on('upgrade', (req, socket, head) => {
  if ((req.url ?? '').split('?')[0] !== '/ws') {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
});

function send(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

function accept(ws: WebSocket): void {
  let userId: string | undefined;
  ws.on('message', (data) => {
    let f: ClientFrame;
    try {
      f = JSON.parse(data.toString()) as ClientFrame;
    } catch {
      const error: ErrorFrame = { action: '0', code: 'BAD_JSON', error: 'not JSON' };
      send(ws, error);
      return;
    }
    switch (f.action) {
      case '1': {
        userId = f.fromId;
        let set = online.get(userId);
        if (!set) {
          set = new Set();
          online.set(userId, set);
        }
        set.add(ws);
        send(ws, logic.connected(userId));
        return;
      }
      case '2':
        send(ws, logic.ids(f.fromId));
        return;
      case '3': {
        const { ack, delivery } = logic.message(f);
        if (f.toId.startsWith('~') || f.toId.startsWith('!')) {
          fanOut(ws, f.toId, ack, JSON.stringify(delivery));
          return;
        }
        send(ws, ack);
        const to = online.get(f.toId);
        if (to) {
          const text = JSON.stringify(delivery);
          for (const peer of to) if (peer.readyState === WebSocket.OPEN) peer.send(text);
        }
        return;
      }
      case '4':
      case '22':
        return; // a recipient's confirmation: nothing stored, nothing to do
      case '5':
        send(ws, logic.heartbeat(f.fromId));
        return;
      case '13':
        send(ws, {
          action: '13',
          toId: f.fromId,
          group: conversations.createGroup(f.fromId, f.name, f.members ?? []),
        });
        return;
      case '14': {
        const group = f.op === 'add' ? conversations.addMembers(f.toId, f.members) : undefined;
        if (group) send(ws, { action: '14', toId: f.fromId, op: f.op, group });
        else
          send(ws, {
            action: '0',
            code: 'BAD_REQUEST',
            error: `the relay only adds to groups it made (${f.op})`,
          });
        return;
      }
      case '18':
        conversations.join(f.toId, ws);
        send(ws, { action: '18', toId: f.fromId, room: f.toId, recent: [] });
        return;
      case '19':
        conversations.leave(f.toId, ws);
        send(ws, { action: '19', toId: f.fromId, room: f.toId });
        return;
      default:
        send(ws, { action: '0', code: 'UNKNOWN_ACTION', error: `no action ${f.action} in the relay` });
    }
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    conversations.leaveAll(ws);
    if (userId === undefined) return;
    const set = online.get(userId);
    set?.delete(ws);
    if (set?.size === 0) online.delete(userId);
  });
}

/**
 * A message to a group or a room: acked, then the one serialized frame is written to every member's
 * sockets (a room: every socket in it) except the sending one, as Parley does.
 */
function fanOut(origin: WebSocket, toId: string, ack: ServerFrame, text: string): void {
  const room = toId.startsWith('!');
  const members = room ? undefined : conversations.members(toId);
  if (room ? !conversations.inRoom(toId, origin) : !members) {
    send(origin, { action: '0', code: 'NOT_MEMBER', error: `not in ${toId}`, ref: { action: '3' } });
    return;
  }
  send(origin, ack);
  const write = (peer: WebSocket) => {
    if (peer !== origin && peer.readyState === WebSocket.OPEN) peer.send(text);
  };
  if (room) for (const peer of conversations.roomSockets(toId) ?? []) write(peer);
  else for (const userId of members!) for (const peer of online.get(userId) ?? []) write(peer);
}

listenAndAnnounce('ws-relay', http, () => {
  for (const ws of wss.clients) ws.terminate();
});
