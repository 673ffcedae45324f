import type { FastifyInstance } from 'fastify';
import { MAX_SEND_BATCH, type MessageSender } from '../core/admin/message-sender.js';
import { httpStatusOf } from './admin-errors.js';
import { type AdminConfig, adminGuard } from './admin-routes.js';
import { HttpError, sendJson } from './http-error.js';
import { bodyRequired } from './json-body.js';
import { ADMIN_REFUSALS, anyObject, objectBody, responses, type Schema } from './schemas.js';

const BATCH_REASON = `messages must be an array of 1 to ${MAX_SEND_BATCH} messages ({fromId?, toId, type?, message})`;

/** One message; checked by the WebSocket send frame's own validator (the schema describes it). */
const message: Record<string, Schema> = {
  fromId: { description: 'a user id; the system sender when left out' },
  toId: { description: 'a user or group id' },
  type: { description: 'the message type' },
  message: { description: 'the content' },
};
const sent: Schema = {
  type: 'object',
  required: ['id', 'time', 'ts'],
  properties: { id: { type: 'string' }, time: { type: 'string' }, ts: { type: 'number' } },
};

/**
 * `POST /v1/messages`: one message (`{fromId?, toId, type?, message}`, answered `{id, time, ts}` or
 * refused with its status and `{code, error}`), or up to 100 (`{messages: [...]}`, answered
 * `{results: [...]}`, one per message in order, each an answer or a refusal). Without `fromId` the
 * system sender sends.
 */
export function addAdminMessageRoutes(
  app: FastifyInstance,
  sender: MessageSender,
  config: AdminConfig,
): void {
  app.post(
    '/v1/messages',
    {
      onRequest: adminGuard(config),
      preValidation: bodyRequired,
      schema: {
        tags: ['server API'],
        security: [{ adminKey: [] }],
        summary: 'Sends one message as a user or the system, or a batch of up to 100',
        body: objectBody({
          ...message,
          messages: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_SEND_BATCH,
            items: { description: 'one message, as the single form; a refused one gets its own result' },
            'x-reason': BATCH_REASON,
          },
        }),
        response: responses(
          {
            200: {
              description: 'the sent message, or for a batch one result per message (sent or refused)',
              anyOf: [
                sent,
                {
                  type: 'object',
                  required: ['results'],
                  properties: { results: { type: 'array', items: anyObject } },
                },
              ],
            },
          },
          [400, ...ADMIN_REFUSALS, 404, 413, 429],
        ),
      },
    },
    async (req, reply) => {
      const body = req.body as Record<string, unknown>;
      if (!('messages' in body)) {
        const [outcome] = await sender.send([body]);
        if (outcome && 'code' in outcome)
          throw new HttpError(httpStatusOf(outcome.code), outcome.code, outcome.error);
        return sendJson(reply, 200, outcome);
      }
      const { messages } = body;
      if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_SEND_BATCH)
        throw new HttpError(400, 'BAD_REQUEST', BATCH_REASON);
      return sendJson(reply, 200, { results: await sender.send(messages) });
    },
  );
}
