// What `otelhub` runs with no --config: a hub that needs nothing outside this machine. OTLP in on the standard
// ports, and MQTT devices publishing to the hub's embedded broker (converted by `schema`), batched, printed by the
// debug exporter: point any OpenTelemetry SDK or collector, or any MQTT device, at it.
export const DEFAULT_CONFIG_NAME = '<embedded default config>';

export const DEFAULT_CONFIG = `# otelhub's embedded default (otelhub print-default-config prints it).
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: \${env:OTELHUB_OTLP_GRPC_ENDPOINT:-localhost:4317}
      http:
        endpoint: \${env:OTELHUB_OTLP_HTTP_ENDPOINT:-localhost:4318}
  # Devices publish straight to the hub (MQTT 3.1.1 and 5); a QoS 1 message is acknowledged once delivered. No
  # credentials needed: the container image sets OTELHUB_MQTT_ALLOW_ANONYMOUS=false (set it to true to accept any
  # device), or run a config of your own with password_file and tls (receivers/mqtt/README.md).
  mqtt:
    embedded_broker:
      endpoint: \${env:OTELHUB_MQTT_ENDPOINT:-localhost:1883}
      allow_anonymous: \${env:OTELHUB_MQTT_ALLOW_ANONYMOUS:-true}
      session_file: \${env:OTELHUB_MQTT_SESSION_FILE:-otelhub-mqtt-sessions.json}
    topics: ['#']

processors:
  # Turns MQTT messages in the AIO JSON schema into metrics or logs.
  schema:
  batch:

exporters:
  debug:
    verbosity: normal

extensions:
  health_check:
    endpoint: \${env:OTELHUB_HEALTH_ENDPOINT:-localhost:13133}

service:
  extensions: [health_check]
  telemetry:
    metrics:
      # otelhub's own metrics, Prometheus text on http://<host>:<port>/metrics. OTELHUB_METRICS_ADDRESS (host:port,
      # deprecated) still works in place of both variables.
      readers:
        - pull:
            exporter:
              prometheus:
                host: \${env:OTELHUB_METRICS_HOST:-localhost}
                port: \${env:OTELHUB_METRICS_PORT:-8888}
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    # A pipeline's receivers emit one kind of data: otlp emits telemetry, mqtt emits messages.
    metrics/mqtt:
      receivers: [mqtt]
      processors: [schema, batch]
      exporters: [debug]
    logs/mqtt:
      receivers: [mqtt]
      processors: [schema, batch]
      exporters: [debug]
`;
