import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/config.js';
import { MessageSender } from '../core/admin/message-sender.js';
import { UserAdmin } from '../core/admin/user-admin.js';
import type { ChatCore } from '../core/chat-core.js';
import { FileCatalog } from '../files/file-catalog.js';
import type { FileStore } from '../files/file-store.js';
import { RetentionSweeper } from '../retention/retention-sweeper.js';
import { addAdminMessageRoutes } from './admin-message-routes.js';
import type { AdminConfig } from './admin-routes.js';
import { addAdminUserRoutes } from './admin-user-routes.js';

export interface ServerApi {
  /** The FileStore for the upload routes: uploads are catalogued as they are stored. */
  readonly files: FileStore;
  readonly retention: RetentionSweeper;
  /** Stops the sweeps and waits for the work in flight. */
  stop(): Promise<void>;
}

/**
 * The server API (messages, history, presence, kick, revoke, account deletion) and data retention,
 * with the catalogue of uploads both need (filled once with the uploads stored before it existed).
 */
export function addServerApi(
  app: FastifyInstance,
  core: ChatCore,
  files: FileStore,
  config: ServerConfig,
  admin: AdminConfig,
  log: Logger,
): ServerApi {
  const catalog = new FileCatalog(files, core.context, log);
  const catalogued = catalog.catalogueExisting().catch((err: unknown) => {
    log.error({ err }, 'could not catalogue the uploads stored before: deletion and retention miss them');
  });
  const retention = new RetentionSweeper(
    core.context,
    {
      messagesMs: config.retentionMessagesMs,
      pendingMs: config.retentionPendingMs,
      filesMs: config.retentionFilesMs,
    },
    { catalog, ready: catalogued },
  );
  const uploads = {
    removeOwnedBy: async (owner: string) => {
      await catalogued;
      return catalog.removeOwnedBy(owner);
    },
  };
  addAdminMessageRoutes(app, new MessageSender(core.context, config.systemUserId), admin);
  addAdminUserRoutes(app, core.context, new UserAdmin(core.context, uploads), admin);
  retention.start();
  return {
    files: catalog.recording(),
    retention,
    stop: async () => {
      await retention.stop();
      await catalogued;
    },
  };
}
