# Parley server image. Build: docker build -t parley .
# Run:   docker run -p 8080:8080 -v parley-data:/data -e APP_SECRET=... -e ADMIN_KEY=... parley
# See docs/operations.md ("Docker").

# Toolchain for better-sqlite3, which is compiled from source when no prebuilt binary is reachable.
FROM node:20-slim AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Build: every dependency, then the TypeScript of the server and the protocol package.
FROM toolchain AS build
COPY . .
RUN npm ci && npx tsc -b packages/server

# Runtime dependencies of the server only (no dev tools, no benchmark or SDK dependencies).
FROM toolchain AS deps
COPY . .
RUN npm ci --omit=dev --workspace packages/server

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/packages/protocol/package.json ./packages/protocol/
COPY --from=build /app/packages/protocol/dist ./packages/protocol/dist
COPY --from=build /app/packages/server/package.json ./packages/server/
COPY --from=build /app/packages/server/dist ./packages/server/dist
# the data folder (parley.db and uploads) belongs to the unprivileged user the server runs as
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers without credentials; the server listens on 0.0.0.0, so loopback reaches it
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: the server finishes the writes in flight and closes every socket with 1001 before exiting
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=32", "--single-threaded-gc", "packages/server/dist/main.js"]
