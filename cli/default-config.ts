// What `otelhub` runs with no --config: a hub that needs nothing outside this machine.
export const DEFAULT_CONFIG_NAME = '<embedded default config>';

export const DEFAULT_CONFIG = `# otelhub's embedded default: host metrics, batched, printed by the debug exporter.
receivers:
  hostmetrics:
    collection_interval: 10s
    scrapers:
      cpu:
      memory:
      load:
      process:

processors:
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
      address: \${env:OTELHUB_METRICS_ADDRESS:-localhost:8888}
  pipelines:
    metrics:
      receivers: [hostmetrics]
      processors: [batch]
      exporters: [debug]
`;
