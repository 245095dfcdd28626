# syntax=docker/dockerfile:1
#
# One Dockerfile for every reimagine process; build one target per service:
#
#   docker build --target command-api        -t reimagine/command-api .
#   docker build --target caption-handler    -t reimagine/caption-handler .
#   docker build --target generation-handler -t reimagine/generation-handler .
#   docker build --target projector          -t reimagine/projector .
#   docker build --target notifier           -t reimagine/notifier .
#   docker build --target all-in-one         -t reimagine/all-in-one .   (demo: everything in one container)
#
# Stages: manifests → deps (full install) → build (typecheck: a broken tree never becomes an image)
#         manifests → prod-deps (npm ci --omit=dev) ─┐
#         build → source (sources without tests) ────┴→ runtime → one target per service
#
# The services run their TypeScript through tsx (a runtime dependency), so there is no compile
# output to ship: the runtime image holds the sources, production node_modules and nothing else.
# Needs BuildKit (the default builder of Docker 23+ and of `docker compose`).

ARG NODE_IMAGE=node:20-bookworm-slim
# Only the all-in-one target embeds a nats-server (it starts one when NATS_URL is unset).
ARG NATS_IMAGE=nats:2.11-alpine

FROM ${NATS_IMAGE} AS nats

# ---------------------------------------------------------------------------------------------
# Only what npm needs to resolve the workspace: a source change keeps the install layers cached.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY packages/blobs/package.json packages/blobs/
COPY packages/eventstore/package.json packages/eventstore/
COPY packages/inference/package.json packages/inference/
COPY packages/operations/package.json packages/operations/
COPY packages/platform/package.json packages/platform/
COPY packages/reactor/package.json packages/reactor/
COPY packages/readmodel/package.json packages/readmodel/
COPY packages/testing/package.json packages/testing/
COPY packages/vault/package.json packages/vault/
COPY services/command-api/package.json services/command-api/
COPY services/caption-handler/package.json services/caption-handler/
COPY services/generation-handler/package.json services/generation-handler/
COPY services/projector/package.json services/projector/
COPY services/notifier/package.json services/notifier/
COPY tools/all-in-one/package.json tools/all-in-one/
COPY tools/cli/package.json tools/cli/
# npm links workspace bins at install time; the target must exist then.
COPY tools/cli/bin tools/cli/bin

# ---------------------------------------------------------------------------------------------
FROM manifests AS deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci

FROM deps AS build
COPY . .
RUN npm run typecheck

# The runtime copy of the sources: no tests, no per-workspace node_modules of the full install.
FROM build AS source
RUN mkdir /out \
 && tar -C /app -cf - \
      --exclude=node_modules --exclude='*.spec.ts' \
      package.json tsconfig.base.json tsconfig.json contracts packages services tools \
    | tar -C /out -xf -

# ---------------------------------------------------------------------------------------------
FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="reimagine" \
      org.opencontainers.image.description="Event-sourced CQRS pipeline on NATS JetStream" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the service user: the code cannot be changed at run time.
COPY --from=prod-deps /app ./
COPY --from=source /out ./
# The operator CLI, e.g. `docker compose exec command-api reimagine status <id>`.
RUN ln -s /app/tools/cli/bin/reimagine.js /usr/local/bin/reimagine
# The `node` user of the base image, by number so Kubernetes can verify runAsNonRoot. tsx keeps
# its compile cache under /tmp: with a read-only root filesystem, mount a writable /tmp.
USER 1000:1000

# ---------------------------------------------------------------------------------------------
# One target per service. Each runs `node --import tsx <entry>` (what `npm run start -w …` does
# through the tsx CLI, minus the npm and tsx wrapper processes): node is the process that gets
# SIGTERM and drains in-flight work within SHUTDOWN_GRACE_MS.
# HEALTHCHECK: a node one-liner (slim images have no curl) against /healthz on the probe port.

FROM runtime AS command-api
ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${PORT:-3000}/healthz"
CMD ["node", "--import", "tsx", "services/command-api/src/main.ts"]

FROM runtime AS caption-handler
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--import", "tsx", "services/caption-handler/src/main.ts"]

FROM runtime AS generation-handler
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--import", "tsx", "services/generation-handler/src/main.ts"]

FROM runtime AS projector
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--import", "tsx", "services/projector/src/main.ts"]

FROM runtime AS notifier
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--import", "tsx", "services/notifier/src/main.ts"]

# Everything in one process with the embedded defaults (a demo, not a deployment): NATS from
# the bundled nats-server, PGlite, blobs and the mail outbox under DATA_DIR (mount a volume there).
FROM runtime AS all-in-one
COPY --from=nats /usr/local/bin/nats-server /usr/local/bin/nats-server
USER root
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
ENV PORT=3000 \
    DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${PORT:-3000}/healthz"
CMD ["node", "--import", "tsx", "tools/all-in-one/src/main.ts"]
