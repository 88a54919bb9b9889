#!/usr/bin/env bash
# The seed 004 hub on this machine: a local Prometheus (remote-write receiver on) and Azurite stand in for the
# cluster's Prometheus and Azure Blob Storage, a self-signed certificate for the TLS listener, the hub with
# otelhub.yaml, then a workload's metrics and logs through the official OpenTelemetry JS gRPC exporters, and the
# PromQL query and blob listing a user would run. Needs `prometheus` (scripts/install-prometheus.sh) and `openssl`;
# Azurite comes from the project's devDependencies. Run from anywhere: examples/seed-004-hub/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export PATH="$ROOT/node_modules/.bin:$PATH"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PROM_PORT=${PROM_PORT:-19090}
BLOB_PORT=${BLOB_PORT:-10000}
OTLP_PORT=${OTLP_PORT:-14317}

echo "== certificate for localhost (the seed's Step 3 makes one for your DNS name)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null

echo "== Prometheus on :$PROM_PORT"
printf 'global:\n  scrape_interval: 1h\n' >"$WORK/prometheus.yml"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-remote-write-receiver >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)

echo "== Azurite (blob) on :$BLOB_PORT"
(cd "$WORK" && azurite-blob --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --inMemoryPersistence --silent \
  --skipApiVersionCheck --disableTelemetry >"$WORK/azurite.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$BLOB_PORT") 2>/dev/null && break
  sleep 0.2
done

ACCOUNT=devstoreaccount1 # Azurite's documented development account
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export AZURE_BLOB_URL="http://127.0.0.1:$BLOB_PORT/$ACCOUNT"
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=$ACCOUNT;AccountKey=$KEY;BlobEndpoint=$AZURE_BLOB_URL;"
export OTEL_RECEIVER_BEARER_TOKEN=example-token
export OTLP_GRPC_ENDPOINT="127.0.0.1:$OTLP_PORT" TLS_CERT_FILE="$WORK/tls.crt" TLS_KEY_FILE="$WORK/tls.key"
export PROMETHEUS_REMOTE_WRITE_URL="http://127.0.0.1:$PROM_PORT/api/v1/write"
client() { node --import tsx "$HERE/client.ts" "$@"; }

echo "== the container the exporter writes to (it does not create one, as contrib's does not)"
client create-container

echo "== the hub"
node "$ROOT/bin/otelhub.js" --config "$HERE/otelhub.yaml" >"$WORK/hub.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q 'everything is ready' "$WORK/hub.log" && break; sleep 0.2; done
grep -E '"level":"(warn|info)"' "$WORK/hub.log" | grep -E 'deprecated|text_encoding|ready' || true

echo "== a workload sends metrics and logs (official OTel JS gRPC exporters, TLS, bearer token)"
OTLP_URL="https://localhost:$OTLP_PORT" CA_FILE="$WORK/tls.crt" client send

echo "== PromQL: opaque_jobs_completed_total"
PROMETHEUS_URL="http://127.0.0.1:$PROM_PORT" client query 'opaque_jobs_completed_total'
echo "   (curl 'http://127.0.0.1:$PROM_PORT/api/v1/query?query=opaque_jobs_completed_total')"

echo "== blobs in container logs"
client blobs
