# otelhub container image. Two stages: the first installs the production dependencies exactly as the lockfile
# pins them, the second copies them and the sources into a clean image that runs as a non-root user.
# There is no build step: otelhub runs its TypeScript through tsx, a runtime dependency.
# test/dockerfile.test.ts replays this file without a container engine: keep COPY sources and ENV simple.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The same folders package.json publishes ("files"): the test checks the two lists agree.
COPY package.json components.ts index.ts ./
COPY bin ./bin
COPY cli ./cli
COPY config ./config
COPY core ./core
COPY otlp ./otlp
COPY receivers ./receivers
COPY processors ./processors
COPY exporters ./exporters
COPY extensions ./extensions
RUN ln -s /app/bin/otelhub.js /usr/local/bin/otelhub
# In a container the embedded default config must listen beyond loopback to be reachable at all.
ENV NODE_ENV=production \
    OTELHUB_OTLP_GRPC_ENDPOINT=0.0.0.0:4317 \
    OTELHUB_OTLP_HTTP_ENDPOINT=0.0.0.0:4318 \
    OTELHUB_MQTT_ENDPOINT=0.0.0.0:1883 \
    OTELHUB_HEALTH_ENDPOINT=0.0.0.0:13133 \
    OTELHUB_METRICS_ADDRESS=0.0.0.0:8888
# The `node` user of the base image, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# OTLP gRPC and HTTP, MQTT (embedded broker), drop-in health (HTTP_HEALTH_ADDR), health_check, self-metrics.
EXPOSE 4317 4318 1883 8080 13133 8888
ENTRYPOINT ["otelhub"]
