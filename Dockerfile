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
# Stages: manifests → deps (full install) → build (typecheck, then `npm run build`: one bundle per
#         process, dist/main.js, with the workspace packages compiled in)
#         manifests → <service>-deps (only that service's production dependencies, see below)
#         runtime + <service>-deps + its bundle → <service>
#
# Each image holds its compiled bundle (the pure-JavaScript dependencies are compiled into it), its
# source map and the node_modules of the few third-party packages no bundle compiles in (native code
# such as sharp, files read at run time such as PGlite's WebAssembly): scripts/service-manifest.mjs
# picks them from the workspace package.json files (the service's dependencies and those of the
# workspace packages it depends on) and installs them at the versions of package-lock.json. No TypeScript, no tests, no
# dev tools, no other service's dependencies (the notifier's image has no sharp, PGlite or HF client;
# infra/images.unit.spec.ts checks that). The operator CLI is in the command-api and all-in-one images.
# Needs BuildKit (the default builder of Docker 23+ and of `docker compose`).

ARG NODE_IMAGE=node:22-bookworm-slim
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
COPY packages/webhooks/package.json packages/webhooks/
COPY services/command-api/package.json services/command-api/
COPY services/caption-handler/package.json services/caption-handler/
COPY services/generation-handler/package.json services/generation-handler/
COPY services/projector/package.json services/projector/
COPY services/notifier/package.json services/notifier/
COPY tools/all-in-one/package.json tools/all-in-one/
COPY tools/cli/package.json tools/cli/
# npm links workspace bins at install time; the target must exist then.
COPY tools/cli/bin tools/cli/bin
COPY scripts/service-manifest.mjs scripts/

# ---------------------------------------------------------------------------------------------
FROM manifests AS deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci

FROM deps AS build
COPY . .
RUN npm run typecheck && npm run build

# ---------------------------------------------------------------------------------------------
# One production install per image, in /deps.
FROM manifests AS command-api-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    node scripts/service-manifest.mjs --install /deps services/command-api tools/cli

FROM manifests AS caption-handler-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    node scripts/service-manifest.mjs --install /deps services/caption-handler

FROM manifests AS generation-handler-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    node scripts/service-manifest.mjs --install /deps services/generation-handler

FROM manifests AS projector-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    node scripts/service-manifest.mjs --install /deps services/projector

FROM manifests AS notifier-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    node scripts/service-manifest.mjs --install /deps services/notifier

FROM manifests AS all-in-one-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    node scripts/service-manifest.mjs --install /deps tools/all-in-one tools/cli

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="reimagine" \
      org.opencontainers.image.description="Event-sourced CQRS pipeline on NATS JetStream" \
      org.opencontainers.image.licenses="MIT"
# MALLOC_ARENA_MAX: see NODE_ENV_VARS in scripts/build.mjs.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2
WORKDIR /app
# The `node` user of the base image, by number so Kubernetes can verify runAsNonRoot. Everything
# under /app stays owned by root: the code cannot be changed at run time.
USER 1000:1000

# ---------------------------------------------------------------------------------------------
# One target per service: its dependencies, its bundle, and `node <flags> dist/main.js` (what
# `npm run start -w services/<name>` runs, minus npm; the flags are explained in scripts/build.mjs):
# node is the process that gets SIGTERM and drains in-flight work within SHUTDOWN_GRACE_MS.
# HEALTHCHECK: a node one-liner (slim images have no curl) against /healthz on the probe port.

FROM runtime AS command-api
COPY --from=command-api-deps /deps/node_modules node_modules
COPY --from=build /app/services/command-api/dist dist
# The operator CLI, e.g. `docker compose exec command-api reimagine status <id>`.
COPY --from=build /app/tools/cli/bin tools/cli/bin
COPY --from=build /app/tools/cli/dist tools/cli/dist
USER root
RUN ln -s /app/tools/cli/bin/reimagine.js /usr/local/bin/reimagine
USER 1000:1000
ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${PORT:-3000}/healthz"
CMD ["node", "--max-semi-space-size=2", "--initial-old-space-size=16", "--max-old-space-size=512", "dist/main.js"]

FROM runtime AS caption-handler
COPY --from=caption-handler-deps /deps/node_modules node_modules
COPY --from=build /app/services/caption-handler/dist dist
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--max-semi-space-size=2", "--initial-old-space-size=16", "--max-old-space-size=512", "--liftoff-only", "dist/main.js"]

FROM runtime AS generation-handler
COPY --from=generation-handler-deps /deps/node_modules node_modules
COPY --from=build /app/services/generation-handler/dist dist
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--max-semi-space-size=2", "--initial-old-space-size=16", "--max-old-space-size=512", "--liftoff-only", "dist/main.js"]

FROM runtime AS projector
COPY --from=projector-deps /deps/node_modules node_modules
COPY --from=build /app/services/projector/dist dist
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--max-semi-space-size=2", "--initial-old-space-size=16", "--max-old-space-size=512", "dist/main.js"]

FROM runtime AS notifier
COPY --from=notifier-deps /deps/node_modules node_modules
COPY --from=build /app/services/notifier/dist dist
ENV HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${HEALTH_PORT:-8081}/healthz"
CMD ["node", "--max-semi-space-size=2", "--initial-old-space-size=16", "--max-old-space-size=512", "dist/main.js"]

# Everything in one process with the embedded defaults (a demo, not a deployment): NATS from
# the bundled nats-server, PGlite, blobs and the mail outbox under DATA_DIR (mount a volume there).
FROM runtime AS all-in-one
COPY --from=all-in-one-deps /deps/node_modules node_modules
COPY --from=build /app/tools/all-in-one/dist dist
COPY --from=build /app/tools/cli/bin tools/cli/bin
COPY --from=build /app/tools/cli/dist tools/cli/dist
COPY --from=nats /usr/local/bin/nats-server /usr/local/bin/nats-server
USER root
RUN ln -s /app/tools/cli/bin/reimagine.js /usr/local/bin/reimagine \
 && mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
ENV PORT=3000 \
    DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "http://127.0.0.1:${PORT:-3000}/healthz"
CMD ["node", "--max-semi-space-size=2", "--initial-old-space-size=16", "--max-old-space-size=512", "dist/main.js"]
