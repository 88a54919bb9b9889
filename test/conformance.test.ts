// Every built-in component passes the conformance checks.
import { builtinFactories } from '../components.ts';
import { runConformance } from './conformance.ts';

runConformance(builtinFactories, {
  // An authenticator has no sensible default credential: like the Collector's, it refuses an empty config.
  // Nor has a remote-write destination or a storage account (contrib requires `endpoint`, `url` and auth too), nor
  // a memory limit (the Collector's memory_limiter requires check_interval and a limit).
  requiresConfig: [
    'extension:bearertokenauth',
    'exporter:prometheus_remote_write',
    'exporter:azure_blob',
    // With no actions they would do nothing: contrib refuses an empty list too.
    'processor:resource',
    'processor:attributes',
    'processor:memory_limiter',
  ],
  overrides: {
    // A limit no test process reaches, so data goes through.
    'processor:memory_limiter': { check_interval: '1s', limit_mib: 65536 },
    'extension:bearertokenauth': { token: 'conformance-token' },
    'extension:health_check': { endpoint: 'localhost:0' },
    // Port 1: nothing listens, so each export must settle with a ConsumerError, at once without retries.
    'exporter:otlp_grpc': { endpoint: 'localhost:1', retry_on_failure: { enabled: false }, timeout: '1s' },
    'exporter:otlp_http': { endpoint: 'http://localhost:1', retry_on_failure: { enabled: false }, timeout: '1s' },
    'exporter:prometheus_remote_write': {
      endpoint: 'http://localhost:1/api/v1/write',
      retry_on_failure: { enabled: false },
      timeout: '1s',
    },
    'exporter:azure_blob': {
      url: 'http://127.0.0.1:1/devstoreaccount1',
      auth: {
        type: 'connection_string',
        connection_string:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;',
      },
      retry_on_failure: { enabled: false },
      timeout: '1s',
    },
    'receiver:otlp': { protocols: { grpc: { endpoint: 'localhost:0' }, http: { endpoint: 'localhost:0' } } },
    'processor:resource': { attributes: [{ key: 'deployment.environment.name', value: 'test', action: 'upsert' }] },
    'processor:attributes': { actions: [{ key: 'conformance', value: true, action: 'insert' }] },
    // With conditions and statements for every signal, so consume really evaluates OTTL (the default does nothing).
    'processor:filter': {
      trace_conditions: ['span.name == "conformance-never"'],
      metric_conditions: ['datapoint.attributes["conformance"] == "never"'],
      log_conditions: ['log.severity_text == "conformance-never"'],
    },
    'processor:transform': {
      trace_statements: ['set(span.attributes["conformance"], true)'],
      metric_statements: ['set(datapoint.attributes["conformance"], true)'],
      log_statements: ['set(log.attributes["conformance"], true)'],
    },
  },
});
