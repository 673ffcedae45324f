import type { IncomingMessage } from 'node:http';
import { MAX_SEND_BATCH, type MessageSender } from '../core/admin/message-sender.js';
import { httpStatusOf, objectBody } from './admin-errors.js';
import { type AdminConfig, checkAdminKey } from './admin-routes.js';
import { readJson } from './body.js';
import { HttpError, sendJson } from './http-error.js';
import type { HttpRouter } from './router.js';

/**
 * `POST /v1/messages`: one message (`{fromId?, toId, type?, message}`, answered `{id, time, ts}` or
 * refused with its status and `{code, error}`), or up to 100 (`{messages: [...]}`, answered
 * `{results: [...]}`, one per message in order, each an answer or a refusal). Without `fromId` the
 * system sender sends.
 */
export function addAdminMessageRoutes(router: HttpRouter, sender: MessageSender, config: AdminConfig): void {
  const guard = (req: IncomingMessage): void => checkAdminKey(req, config);

  router.on('POST', '/v1/messages', async (req, res) => {
    guard(req);
    const body = objectBody(await readJson(req, config.bodyLimit));
    if (!('messages' in body)) {
      const [outcome] = await sender.send([body]);
      if (outcome && 'code' in outcome)
        throw new HttpError(httpStatusOf(outcome.code), outcome.code, outcome.error);
      sendJson(res, 200, outcome);
      return;
    }
    const { messages } = body;
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_SEND_BATCH)
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `messages must be an array of 1 to ${MAX_SEND_BATCH} messages ({fromId?, toId, type?, message})`,
      );
    sendJson(res, 200, { results: await sender.send(messages) });
  });
}
