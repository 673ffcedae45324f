#!/usr/bin/env node
import { createServer } from 'node:http';
import type {
  ConnectFrame,
  GetIdsFrame,
  HeartbeatFrame,
  SendMessageFrame,
  ServerFrame,
} from '@parley/protocol';
import { Server } from 'socket.io';
import { listenAndAnnounce, RelayLogic } from './common.js';

type Ack = (reply: ServerFrame) => void;

/**
 * Baseline 2: what a Node developer would write instead of Parley. Socket.IO with one room per
 * user and acknowledgements, no storage. Events carry the same Parley frame objects.
 */
const logic = new RelayLogic();
const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { serveClient: false, transports: ['websocket'], perMessageDeflate: false });

io.on('connection', (socket) => {
  socket.on('connect-user', (f: ConnectFrame, ack: Ack) => {
    void socket.join(f.fromId);
    ack(logic.connected(f.fromId));
  });
  socket.on('ids', (f: GetIdsFrame, ack: Ack) => ack(logic.ids(f.fromId)));
  socket.on('message', (f: SendMessageFrame, ack: Ack) => {
    const { ack: status, delivery } = logic.message(f);
    ack(status);
    io.to(f.toId).emit('message', delivery);
  });
  socket.on('status', () => {}); // a recipient's confirmation: nothing stored
  socket.on('heartbeat', (f: HeartbeatFrame, ack: Ack) => ack(logic.heartbeat(f.fromId)));
});

listenAndAnnounce('socketio-relay', http, () => {
  io.disconnectSockets(true);
});
