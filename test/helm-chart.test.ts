// The Helm chart (deploy/helm/otelhub) renders what the hub reads: each example values file is rendered with
// deploy/helm/render (Helm's template engine, built by scripts/install-helm-render.sh, since Helm itself cannot be
// installed here), and the rendered objects are checked against each other and against otelhub itself: the
// environment the drop-in mode reads, the files the auth variables name, the probes and the health endpoint, the
// configuration `otelhub validate` accepts. Also the sidecar example (deploy/kubernetes/sidecar.yaml).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { MEMBERSHIP_VARS, SHUTDOWN_TIMEOUT_VAR } from '../cli/drop-in-membership.ts';
import { CONSOLE_VARS } from '../cli/drop-in-env.ts';
import { dropInConfig } from '../cli/drop-in.ts';
import { parseDuration } from '../config/duration.ts';
import { BIN, ROOT } from './helpers/process.ts';

const RENDERER = join(ROOT, 'node_modules/.cache/otelhub/helm-render');
const RENDERER_SOURCE = join(ROOT, 'deploy/helm/render/main.go');
const CHART = join(ROOT, 'deploy/helm/otelhub');
const EXAMPLES = join(CHART, 'examples');
const SIDECAR = join(ROOT, 'deploy/kubernetes/sidecar.yaml');
const DOCKERFILE = join(ROOT, 'Dockerfile');
const CONFIG_PATH = '/etc/otelhub/config.yaml';

/**
 * The variables otelhub's drop-in mode reads (cli/drop-in-env.ts): the Rust trace exporter's, plus OTELHUB_METRICS_HOST
 * and _PORT (and the deprecated OTELHUB_METRICS_ADDRESS, which the chart must not set).
 */
const DROP_IN_VARS = new Set([
  'MQTT_BROKER_HOST',
  'MQTT_BROKER_PORT',
  'MQTT_CLIENT_ID',
  'MQTT_TOPIC_FILTERS',
  'MQTT_SHARED_SUBSCRIPTION',
  'MQTT_SESSION_EXPIRY_SECS',
  'MQTT_RECEIVE_MAX',
  'MQTT_KEEP_ALIVE_SECS',
  'MQTT_RETRY_MIN_BACKOFF_SECS',
  'MQTT_RETRY_MAX_BACKOFF_SECS',
  'MQTT_USE_TLS',
  'MQTT_SAT_TOKEN_PATH',
  'MQTT_CA_CERT_PATH',
  'MQTT_X509_CERT_PATH',
  'MQTT_X509_KEY_PATH',
  'CORRELATION_ID_FIELD',
  'CORRELATION_ALLOW_GENERATED',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'OTEL_SERVICE_NAMESPACE',
  'OTEL_SERVICE_INSTANCE_ID',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_EXPORT_TIMEOUT',
  'APP_LOG_LEVEL',
  'HTTP_HEALTH_ADDR',
  'HTTP_HEALTH_LIVENESS_PATH',
  'HTTP_HEALTH_READINESS_PATH',
  'OTELHUB_METRICS_HOST',
  'OTELHUB_METRICS_PORT',
  'OTELHUB_METRICS_ADDRESS',
  CONSOLE_VARS.endpoint,
  CONSOLE_VARS.tokenFile,
  SHUTDOWN_TIMEOUT_VAR,
  ...Object.values(MEMBERSHIP_VARS),
]);
/** The variables naming files the chart mounts, with the key the file must come from. */
const PATH_VARS: Record<string, string> = {
  MQTT_SAT_TOKEN_PATH: 'sat.token',
  MQTT_CA_CERT_PATH: 'ca.crt',
  MQTT_X509_CERT_PATH: 'tls.crt',
  MQTT_X509_KEY_PATH: 'tls.key',
  [CONSOLE_VARS.tokenFile]: 'token',
};
/** The metrics reader of examples/values-full-config.yaml, as written there. */
const READER =
  'readers:\n          - pull:\n              exporter:\n                prometheus:\n                  host: 0.0.0.0\n                  port: 8888';
/** What full YAML mode adds to the container for ${env:...} references. */
const FULL_MODE_VARS = new Set([
  'POD_NAME',
  'POD_NAMESPACE',
  'OTELHUB_HEALTH_ENDPOINT',
  'OTELHUB_METRICS_HOST',
  'OTELHUB_METRICS_PORT',
  // For configurations still using the deprecated address.
  'OTELHUB_METRICS_ADDRESS',
  CONSOLE_VARS.endpoint,
]);

// ---------------------------------------------------------------------------------------------------------------
// The parts of Kubernetes objects the checks read.

interface Meta {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface KeyToPath {
  key: string;
  path: string;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: SecurityContext;
}
interface ProjectedSource {
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
  secret?: { name: string; items?: KeyToPath[] };
  configMap?: { name: string; items?: KeyToPath[] };
}
interface Volume {
  name: string;
  secret?: { secretName: string; items?: KeyToPath[] };
  configMap?: { name: string; items?: KeyToPath[] };
  projected?: { sources: ProjectedSource[] };
  emptyDir?: { sizeLimit?: string } | null;
}
interface PodSpec {
  imagePullSecrets?: { name: string }[];
  securityContext?: SecurityContext;
  serviceAccountName?: string;
  containers: Container[];
  volumes?: Volume[];
  terminationGracePeriodSeconds?: number;
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  type?: string;
  data?: Record<string, string>;
  spec?: unknown;
}
interface Workload extends Resource {
  spec: {
    replicas: number;
    serviceName?: string;
    podManagementPolicy?: string;
    template: { metadata: Meta; spec: PodSpec };
  };
}
interface Service extends Resource {
  spec: { ports: { name: string; port: number; targetPort: string | number }[] };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const tmp = mkdtempSync(join(tmpdir(), 'otelhub-helm-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let tmpFiles = 0;
function tmpFile(name: string, text: string): string {
  const file = join(tmp, `${tmpFiles++}-${name}`);
  writeFileSync(file, text);
  return file;
}

function renderer(): string {
  assert.ok(
    existsSync(RENDERER),
    `the Helm renderer ${RENDERER} is missing: run scripts/install-helm-render.sh (it installs Go and builds deploy/helm/render)`,
  );
  assert.ok(
    statSync(RENDERER).mtimeMs >= statSync(RENDERER_SOURCE).mtimeMs,
    `the Helm renderer ${RENDERER} is older than ${RENDERER_SOURCE}: run scripts/install-helm-render.sh to rebuild it`,
  );
  return RENDERER;
}

/** `helm template otelhub deploy/helm/otelhub -f ...`: example file names, or YAML text for a temporary file. */
function renderRaw(values: string[]): { status: number | null; stdout: string; stderr: string } {
  const args = ['otelhub', CHART, '--namespace', 'telemetry'];
  for (const v of values) args.push('-f', v.includes('\n') ? tmpFile('values.yaml', v) : join(EXAMPLES, v));
  const r = spawnSync(renderer(), args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Rendered {
  docs: Resource[];
  configMap: Resource;
  workload: Workload;
  pod: PodSpec;
  container: Container;
  service: Service | undefined;
  secrets: Resource[];
  full: boolean;
}

function render(...values: string[]): Rendered {
  const r = renderRaw(values);
  assert.equal(r.status, 0, `render failed:\n${r.stderr}`);
  const sources = r.stdout.match(/^# Source: otelhub\/templates\/\S+$/gm) ?? [];
  const parsed = parseAllDocuments(r.stdout);
  const docs: Resource[] = [];
  for (const d of parsed) {
    assert.deepEqual(d.errors, [], 'the renderer printed invalid YAML');
    const js = d.toJS() as Resource | null;
    if (js) docs.push(js);
  }
  assert.equal(sources.length, docs.length, 'every document has its # Source line');
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  const configMaps = of('ConfigMap');
  assert.equal(configMaps.length, 1);
  const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet') as Workload[];
  assert.equal(workloads.length, 1);
  const workload = workloads[0]!;
  const pod = workload.spec.template.spec;
  assert.equal(pod.containers.length, 1);
  const container = pod.containers[0]!;
  return {
    docs,
    configMap: configMaps[0]!,
    workload,
    pod,
    container,
    service: of('Service')[0] as Service | undefined,
    secrets: of('Secret'),
    full: container.args !== undefined,
  };
}

function renderFails(values: string[], message: RegExp): void {
  const r = renderRaw(values);
  assert.notEqual(r.status, 0, `render should have failed; it printed:\n${r.stdout}`);
  assert.match(r.stderr, /^Error: execution error at \(otelhub\/templates\//);
  assert.match(r.stderr, message);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

function envOf(c: Container): Map<string, EnvVar> {
  return new Map((c.env ?? []).map((e) => [e.name, e]));
}

/** The runtime image's ENV (the Dockerfile's last stage, `ENV K=V \` lines): what every container starts with. */
function imageEnv(): Record<string, string> {
  const lines = readFileSync(DOCKERFILE, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const stages: Record<string, string>[] = [];
  for (const line of lines) {
    const m = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (m[1]!.toUpperCase() === 'FROM') stages.push({});
    if (m[1]!.toUpperCase() !== 'ENV') continue;
    const stage = stages.at(-1);
    assert.ok(stage, 'ENV before FROM in the Dockerfile');
    for (const kv of m[2]!.trim().split(/\s+/)) {
      const eq = kv.indexOf('=');
      assert.ok(eq > 0, `the Dockerfile's ENV ${kv} is not KEY=VALUE`);
      stage[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  const runtime = stages.at(-1) ?? {};
  assert.equal(runtime.OTELHUB_METRICS_HOST, '0.0.0.0', 'the image sets OTELHUB_METRICS_HOST');
  assert.equal(runtime.OTELHUB_METRICS_PORT, '8888', 'the image sets OTELHUB_METRICS_PORT');
  assert.equal(runtime.OTELHUB_METRICS_ADDRESS, undefined, 'the image sets nothing deprecated');
  return runtime;
}

/**
 * What a container sees: the image's ENV, overridden by the ConfigMap's variables (drop-in mode, envFrom), overridden
 * by its own env values.
 */
function environment(r: Rendered): Record<string, string> {
  const out: Record<string, string> = { ...imageEnv() };
  if (r.container.envFrom?.some((f) => f.configMapRef?.name === r.configMap.metadata.name))
    Object.assign(out, r.configMap.data);
  for (const e of r.container.env ?? []) {
    if (e.value !== undefined) out[e.name] = e.value;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') out[e.name] = 'otelhub-7d9f8-abcde';
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') out[e.name] = 'telemetry';
  }
  return out;
}

/** Where a file the container reads comes from: the Secret, ConfigMap or projected token behind its mount. */
interface FileSource {
  type: 'secret' | 'configMap' | 'serviceAccountToken';
  name?: string;
  key: string;
  audience?: string;
}

function keyFor(items: KeyToPath[] | undefined, file: string): string | undefined {
  if (!items) return file;
  return items.find((i) => i.path === file)?.key;
}

function fileSource(r: Rendered, file: string): FileSource {
  const mount = (r.container.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
  assert.ok(mount, `${file} is inside none of the container's volume mounts`);
  assert.equal(mount.subPath, undefined);
  assert.equal(mount.readOnly, true, `${mount.mountPath} should be mounted read-only`);
  const rel = posix.relative(mount.mountPath, file);
  const volume = (r.pod.volumes ?? []).find((v) => v.name === mount.name);
  assert.ok(volume, `the volume ${mount.name} mounted at ${mount.mountPath} does not exist`);
  if (volume.secret) {
    const key = keyFor(volume.secret.items, rel);
    assert.ok(key, `the Secret volume ${volume.name} has no item for ${rel}`);
    return { type: 'secret', name: volume.secret.secretName, key };
  }
  if (volume.configMap) {
    const key = keyFor(volume.configMap.items, rel);
    assert.ok(key, `the ConfigMap volume ${volume.name} has no item for ${rel}`);
    return { type: 'configMap', name: volume.configMap.name, key };
  }
  assert.ok(volume.projected, `the volume ${volume.name} has no secret, configMap or projected source`);
  for (const s of volume.projected.sources) {
    if (s.serviceAccountToken?.path === rel)
      return { type: 'serviceAccountToken', key: rel, audience: s.serviceAccountToken.audience };
    if (s.secret && s.secret.items?.some((i) => i.path === rel))
      return { type: 'secret', name: s.secret.name, key: keyFor(s.secret.items, rel)! };
    if (s.configMap && s.configMap.items?.some((i) => i.path === rel))
      return { type: 'configMap', name: s.configMap.name, key: keyFor(s.configMap.items, rel)! };
  }
  assert.fail(`no source of the projected volume ${volume.name} provides ${rel}`);
}

function portOf(address: string): number {
  const m = /:(\d+)$/.exec(address);
  assert.ok(m, `${address} has no port`);
  return Number(m[1]);
}

function expandEnv(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_, name: string, def: string | undefined) => {
      const v = env[name] ?? def;
      assert.ok(v !== undefined, `\${env:${name}} is referenced but the container does not set ${name}`);
      return v;
    },
  );
}

function validate(args: string[], env: Record<string, string>): void {
  // Only what the pod would have: none of this process's MQTT_* or OTEL_* variables.
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmp,
    TMPDIR: tmp,
    HOSTNAME: 'otelhub-7d9f8-abcde',
  };
  // The files the config names (secrets, certificates) are mounted in the pod, not here.
  const r = spawnSync(process.execPath, [BIN, 'validate', '--skip-file-checks', ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `otelhub validate ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /configuration is valid/);
  assert.doesNotMatch(r.stderr, /OTELHUB_METRICS_ADDRESS is deprecated/, 'the chart sets nothing deprecated');
}

interface HealthCheck {
  endpoint?: string;
  liveness_path?: string;
  readiness_path?: string;
}
interface HubConfig {
  extensions?: Record<string, HealthCheck | null>;
  service?: {
    extensions?: string[];
    shutdown_timeout?: string;
    telemetry?: {
      metrics?: {
        address?: string;
        readers?: { pull?: { exporter?: { prometheus?: { host?: string; port?: number | string } } } }[];
      };
    };
  };
  receivers?: Record<string, Record<string, unknown> | null>;
}

/** Everything that must hold for any values: security, volumes, auth files, probes, the mode's wiring. */
function checkCommon(r: Rendered): void {
  const { pod, container, workload, configMap } = r;
  // Security: non-root, read-only root file system with an emptyDir for tsx's cache at /tmp.
  assert.equal(pod.securityContext?.runAsNonRoot ?? container.securityContext?.runAsNonRoot, true);
  assert.equal(container.securityContext?.runAsNonRoot, true);
  assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
  const tmpMount = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
  assert.ok(tmpMount, '/tmp must be writable with readOnlyRootFilesystem');
  assert.ok(pod.volumes?.find((v) => v.name === tmpMount.name)?.emptyDir !== undefined, '/tmp is an emptyDir');
  // Every mount has its volume.
  for (const m of container.volumeMounts ?? [])
    assert.ok(
      pod.volumes?.some((v) => v.name === m.name),
      `volume ${m.name}`,
    );
  // The config checksum rolls the pods.
  assert.match(workload.spec.template.metadata.annotations?.['checksum/config'] ?? '', /^[0-9a-f]{64}$/);
  // Labels select the pods.
  for (const [k, v] of Object.entries({
    'app.kubernetes.io/name': 'otelhub',
    'app.kubernetes.io/instance': 'otelhub',
  })) {
    assert.equal(workload.spec.template.metadata.labels?.[k], v);
  }

  const env = environment(r);
  const own = envOf(container);
  if (r.full) {
    assert.deepEqual(container.args, ['--config', CONFIG_PATH]);
    assert.equal(container.envFrom, undefined, 'full YAML mode does not read the drop-in variables');
    assert.deepEqual(Object.keys(configMap.data ?? {}), ['config.yaml']);
    for (const name of own.keys())
      assert.ok(FULL_MODE_VARS.has(name) || name in PATH_VARS, `unexpected variable ${name}`);
    // The config file is the ConfigMap's key, mounted read-only.
    const source = fileSource(r, CONFIG_PATH);
    assert.deepEqual(source, { type: 'configMap', name: configMap.metadata.name, key: 'config.yaml' });
  } else {
    assert.equal(container.args, undefined);
    assert.deepEqual(container.envFrom, [{ configMapRef: { name: configMap.metadata.name } }]);
    for (const name of Object.keys(configMap.data ?? {}))
      assert.ok(DROP_IN_VARS.has(name), `${name} is not a variable the hub reads`);
    for (const name of own.keys()) assert.ok(DROP_IN_VARS.has(name), `${name} is not a variable the hub reads`);
    for (const name of Object.keys(PATH_VARS))
      assert.ok(!(name in (configMap.data ?? {})), `${name} follows the mounts: set on the container`);
  }

  // Each file variable names a file a mounted volume provides, from the key the variable is about.
  for (const [name, key] of Object.entries(PATH_VARS)) {
    const file = env[name];
    if (file === undefined) continue;
    const source = fileSource(r, file);
    if (source.type !== 'serviceAccountToken')
      assert.equal(source.key, key, `${name}=${file} comes from key ${source.key}`);
    // A Secret the chart creates carries that key.
    const created = r.secrets.find((s) => s.metadata.name === source.name);
    if (source.type === 'secret' && created)
      assert.ok(created.data?.[source.key], `Secret ${source.name} has no ${source.key}`);
  }

  // Probes: named port `health`, the one the hub listens on.
  const health = container.ports?.find((p) => p.name === 'health');
  assert.ok(health, 'the container port named health');
  for (const probe of [container.livenessProbe, container.readinessProbe]) {
    assert.equal(probe?.httpGet?.port, 'health');
    assert.match(probe?.httpGet?.path ?? '', /^\/./);
  }
  // The hub serves its metrics on OTELHUB_METRICS_HOST and _PORT whatever metrics.enabled says (the image sets them):
  // the chart always sets them, off the health port; metrics.enabled only adds the container port (and the Service's).
  const metrics = container.ports?.find((p) => p.name === 'metrics');
  for (const name of ['OTELHUB_METRICS_HOST', 'OTELHUB_METRICS_PORT'])
    assert.ok(own.has(name) || configMap.data?.[name] !== undefined, `the chart sets ${name}`);
  if (!r.full) assert.equal(configMap.data?.OTELHUB_METRICS_ADDRESS, undefined, 'drop-in mode: nothing deprecated');
  const metricsPort = Number(env.OTELHUB_METRICS_PORT);
  assert.equal(env.OTELHUB_METRICS_HOST, '0.0.0.0');
  assert.notEqual(metricsPort, health.containerPort, 'metrics and health on different ports');
  if (metrics) assert.equal(metrics.containerPort, metricsPort, 'the metrics port is where the hub serves them');

  if (r.full) {
    const text = configMap.data?.['config.yaml'] ?? '';
    const config = parseYaml(expandEnv(text, env)) as HubConfig;
    const ids = Object.keys(config.extensions ?? {}).filter((id) => /^health_check(\/.*)?$/.test(id));
    assert.equal(ids.length, 1, 'the configuration runs one health_check extension');
    const hc = config.extensions?.[ids[0]!] ?? {};
    assert.ok(config.service?.extensions?.includes(ids[0]!), 'health_check is listed in service.extensions');
    assert.equal(portOf(hc.endpoint ?? ''), health.containerPort, 'health_check listens on the probed port');
    assert.equal(hc.liveness_path, container.livenessProbe?.httpGet?.path);
    assert.equal(hc.readiness_path, container.readinessProbe?.httpGet?.path);
    if (metrics) {
      const m = config.service?.telemetry?.metrics;
      // A pull reader on the metrics port, or (deprecated) the address.
      const served = m?.readers
        ? m.readers.map((x) => x.pull?.exporter?.prometheus).map((p) => `${p?.host ?? 'localhost'}:${p?.port ?? ''}`)
        : [m?.address ?? ''];
      const onPort = served.filter((a) => /:\d+$/.test(a) && portOf(a) === metrics.containerPort);
      assert.ok(onPort.length > 0, `metrics on the metrics port: ${served.join(', ')}`);
      for (const a of onPort) assert.doesNotMatch(a, /^(localhost|127\.|\[?::1\]?):/, 'metrics off loopback');
    }
    assert.doesNotMatch(hc.endpoint ?? '', /^(localhost|127\.|\[?::1\]?):/, 'health_check off loopback');
    validate(['--config', tmpFile('config.yaml', text)], env);
  } else {
    assert.equal(
      portOf(env.HTTP_HEALTH_ADDR ?? ''),
      health.containerPort,
      'HTTP_HEALTH_ADDR listens on the probed port',
    );
    assert.equal(
      env.HTTP_HEALTH_LIVENESS_PATH,
      container.livenessProbe?.httpGet?.path,
      "the hub serves the liveness probe's path",
    );
    assert.equal(
      env.HTTP_HEALTH_READINESS_PATH,
      container.readinessProbe?.httpGet?.path,
      "the hub serves the readiness probe's path",
    );
    assert.match(env.HTTP_HEALTH_ADDR ?? '', /^0\.0\.0\.0:/);
    // The hub takes the environment as it is: drop-in mode (no --config) accepts every variable.
    validate([], env);
  }

  // The pod is killed at the end of its grace period: the hub's shutdown timeout (a leaving replica drains its
  // session within it) must end at least 5 s before.
  const shutdown = r.full
    ? (parseYaml(expandEnv(configMap.data?.['config.yaml'] ?? '', env)) as HubConfig).service?.shutdown_timeout
    : env[SHUTDOWN_TIMEOUT_VAR];
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  assert.ok(grace * 1000 >= parseDuration(shutdown ?? '25s') + 5000, `grace ${grace}s for shutdown ${shutdown}`);

  // The Service targets the named ports.
  if (r.service) {
    const targets = Object.fromEntries(r.service.spec.ports.map((p) => [p.name, p.targetPort]));
    assert.equal(targets.health, 'health');
    assert.equal(
      targets.metrics,
      metrics ? 'metrics' : undefined,
      'the Service exposes metrics exactly when the container does',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe('Helm chart deploy/helm/otelhub', () => {
  it('renders the defaults: drop-in mode with the SAT Secret of the original chart', () => {
    const r = render();
    checkCommon(r);
    assert.equal(r.full, false);
    // A shared group with persistent sessions: stable pod names, hence stable client IDs.
    assert.equal(r.workload.kind, 'StatefulSet');
    assert.equal(r.workload.spec.podManagementPolicy, 'OrderedReady');
    assert.equal(r.pod.terminationGracePeriodSeconds, 30);
    assert.equal(r.workload.spec.replicas, 1);
    assert.deepEqual(r.secrets, [], 'the SAT Secret is provisioned outside the chart by default');
    const env = environment(r);
    assert.equal(env.MQTT_SAT_TOKEN_PATH, '/var/secrets/mqtt/sat.token');
    assert.deepEqual(fileSource(r, env.MQTT_SAT_TOKEN_PATH), {
      type: 'secret',
      name: 'mqtt-sat-token',
      key: 'sat.token',
    });
    assert.deepEqual(fileSource(r, env.MQTT_CA_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'mqtt-sat-token',
      key: 'ca.crt',
    });
    assert.equal(env.MQTT_X509_CERT_PATH, undefined);
    // The original's values, as its ConfigMap had them.
    assert.equal(env.MQTT_BROKER_HOST, 'mqtt-broker');
    assert.equal(env.MQTT_TOPIC_FILTERS, 'telemetry/#');
    assert.equal(env.MQTT_SHARED_SUBSCRIPTION, 'edge-ai');
    assert.equal(env.MQTT_SESSION_EXPIRY_SECS, '86400');
    assert.equal(env.OTEL_TRACES_SAMPLER_ARG, '1');
    assert.equal(env.HTTP_HEALTH_ADDR, '0.0.0.0:8080');
    assert.equal(r.container.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(r.container.readinessProbe?.httpGet?.path, '/readyz');
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined, 'an empty collectorEndpoint leaves the variable unset');
    assert.equal(r.container.image, 'otelhub:0.1.0');
  });

  it('renders values-sat.yaml: SAT token and CA from an existing Secret, two replicas in one shared group', () => {
    const r = render('values-sat.yaml');
    checkCommon(r);
    assert.equal(r.workload.spec.replicas, 2);
    const env = environment(r);
    assert.deepEqual(fileSource(r, env.MQTT_SAT_TOKEN_PATH ?? ''), {
      type: 'secret',
      name: 'mqtt-sat-token',
      key: 'sat.token',
    });
    assert.deepEqual(fileSource(r, env.MQTT_CA_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'mqtt-sat-token',
      key: 'ca.crt',
    });
    assert.equal(env.MQTT_BROKER_PORT, '18883');
    assert.equal(env.MQTT_CLIENT_ID, undefined, 'each replica derives its own client ID');
  });

  it('renders values-x509.yaml: client certificate, key and CA from a kubernetes.io/tls Secret', () => {
    const r = render('values-x509.yaml');
    checkCommon(r);
    const env = environment(r);
    assert.equal(env.MQTT_SAT_TOKEN_PATH, undefined);
    assert.deepEqual(fileSource(r, env.MQTT_X509_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-mqtt-client',
      key: 'tls.crt',
    });
    assert.deepEqual(fileSource(r, env.MQTT_X509_KEY_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-mqtt-client',
      key: 'tls.key',
    });
    assert.deepEqual(fileSource(r, env.MQTT_CA_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-mqtt-client',
      key: 'ca.crt',
    });
    assert.ok(!r.pod.volumes?.some((v) => v.name === 'sat-token'));
  });

  it('renders values-sat-x509.yaml: both Secrets mounted, the CA from the X.509 Secret (as the original)', () => {
    const r = render('values-sat-x509.yaml');
    checkCommon(r);
    const env = environment(r);
    assert.deepEqual(fileSource(r, env.MQTT_SAT_TOKEN_PATH ?? ''), {
      type: 'secret',
      name: 'mqtt-sat-token',
      key: 'sat.token',
    });
    assert.deepEqual(fileSource(r, env.MQTT_X509_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-mqtt-client',
      key: 'tls.crt',
    });
    assert.deepEqual(fileSource(r, env.MQTT_CA_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-mqtt-client',
      key: 'ca.crt',
    });
    // The SAT Secret's CA is not mounted, so a Secret without ca.crt is fine.
    const sat = r.pod.volumes?.find((v) => v.name === 'sat-token');
    assert.deepEqual(sat?.secret?.items, [{ key: 'sat.token', path: 'sat.token' }]);
  });

  it('renders a projected SAT (audience aio-internal) with the AIO CA trust bundle (values-aio-projected.yaml)', () => {
    const r = render('values-aio-projected.yaml');
    checkCommon(r);
    const env = environment(r);
    assert.deepEqual(fileSource(r, env.MQTT_SAT_TOKEN_PATH ?? ''), {
      type: 'serviceAccountToken',
      key: 'sat.token',
      audience: 'aio-internal',
    });
    assert.deepEqual(fileSource(r, env.MQTT_CA_CERT_PATH ?? ''), {
      type: 'configMap',
      name: 'azure-iot-operations-aio-ca-trust-bundle',
      key: 'ca.crt',
    });
    const token = r.pod.volumes?.find((v) => v.name === 'sat-token')?.projected?.sources[0]?.serviceAccountToken;
    assert.equal(token?.expirationSeconds, 86400);
    assert.deepEqual(r.secrets, []);
    assert.equal(r.pod.serviceAccountName, 'otelhub', "the token is for the chart's service account");
    assert.equal(r.docs.find((d) => d.kind === 'ServiceAccount')?.metadata.name, 'otelhub');
  });

  it('renders values-full-config.yaml: --config from the ConfigMap, health_check on the probed port and paths, valid for otelhub', () => {
    const r = render('values-full-config.yaml');
    assert.equal(r.full, true);
    checkCommon(r);
    const env = environment(r);
    assert.deepEqual(fileSource(r, env.MQTT_SAT_TOKEN_PATH ?? ''), {
      type: 'serviceAccountToken',
      key: 'sat.token',
      audience: 'aio-internal',
    });
    assert.deepEqual(fileSource(r, env.MQTT_CA_CERT_PATH ?? ''), {
      type: 'configMap',
      name: 'azure-iot-operations-aio-ca-trust-bundle',
      key: 'ca.crt',
    });
    const text = r.configMap.data?.['config.yaml'] ?? '';
    assert.match(text, /sat_token_file: \$\{env:MQTT_SAT_TOKEN_PATH\}/);
    assert.match(text, /processors:\n\s+- correlation\n\s+- batch/);
  });

  it('creates the SAT and X.509 Secrets from values (create: true) and rolls the pods when they change', () => {
    const values = `
satAuth: {create: true, secretName: "", secret: {token: "a-token", caCert: "SAT CA"}}
x509Auth: {enabled: true, create: true, secret: {cert: "CERT", key: "KEY", caCert: "X509 CA"}}
`;
    const r = render(values);
    checkCommon(r);
    assert.deepEqual(
      r.secrets.map((s) => [s.metadata.name, s.type, Object.keys(s.data ?? {}).sort()]),
      [
        ['otelhub-sat', 'Opaque', ['ca.crt', 'sat.token']],
        ['otelhub-x509', 'kubernetes.io/tls', ['ca.crt', 'tls.crt', 'tls.key']],
      ],
    );
    const sat = r.secrets[0]!;
    assert.equal(Buffer.from(sat.data?.['sat.token'] ?? '', 'base64').toString(), 'a-token');
    const env = environment(r);
    assert.deepEqual(fileSource(r, env.MQTT_CA_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-x509',
      key: 'ca.crt',
    });
    const checksum = r.workload.spec.template.metadata.annotations?.['checksum/secret'];
    assert.match(checksum ?? '', /^[0-9a-f]{64}$/);
    const other = render(values.replace('a-token', 'another-token'));
    assert.notEqual(other.workload.spec.template.metadata.annotations?.['checksum/secret'], checksum);
    // Without a CA in the created X.509 Secret, the SAT Secret's is used.
    const noX509Ca = render(values.replace('"X509 CA"', '""'));
    assert.deepEqual(fileSource(noX509Ca, environment(noX509Ca).MQTT_CA_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-sat',
      key: 'ca.crt',
    });
  });

  it('creates an Opaque X.509 Secret when its keys are not tls.crt and tls.key (kubernetes.io/tls requires them)', () => {
    // (checkCommon expects the default key names.)
    const r = render(
      'x509Auth: {enabled: true, create: true, certKey: client.crt, keyKey: client.key, secret: {cert: C, key: K}}\n',
    );
    const x509 = r.secrets.find((s) => s.metadata.name === 'otelhub-x509');
    assert.equal(x509?.type, 'Opaque');
    assert.deepEqual(Object.keys(x509?.data ?? {}).sort(), ['client.crt', 'client.key']);
    const env = environment(r);
    assert.deepEqual(fileSource(r, env.MQTT_X509_CERT_PATH ?? ''), {
      type: 'secret',
      name: 'otelhub-x509',
      key: 'client.crt',
    });
    const onlyCert = render(
      'x509Auth: {enabled: true, create: true, certKey: tls.crt, keyKey: client.key, secret: {cert: C, key: K}}\n',
    );
    assert.equal(onlyCert.secrets.find((s) => s.metadata.name === 'otelhub-x509')?.type, 'Opaque');
  });

  it('prints whole numbers of values as integers in environment variables, not in scientific notation', () => {
    const r = render(`
config:
  mqtt: {clientId: 12345678, sharedSubscriptionGroup: 20250101, brokerHost: 10000000}
  telemetry: {serviceInstanceId: 99999999, serviceName: 1000000}
extraEnv:
  - {name: BIG, value: 86400000}
  - {name: FRACTION, value: 0.5}
  - {name: NEGATIVE, value: -3000000}
  - {name: TEXT, value: "1e9"}
  - {name: FLAG, value: true}
`);
    const env = environment(r);
    assert.equal(env.MQTT_CLIENT_ID, '12345678');
    assert.equal(env.MQTT_SHARED_SUBSCRIPTION, '20250101');
    assert.equal(env.MQTT_BROKER_HOST, '10000000');
    assert.equal(env.OTEL_SERVICE_INSTANCE_ID, '99999999');
    assert.equal(env.OTEL_SERVICE_NAME, '1000000');
    assert.equal(env.BIG, '86400000');
    assert.equal(env.FRACTION, '0.5');
    assert.equal(env.NEGATIVE, '-3000000');
    assert.equal(env.TEXT, '1e9', 'a string stays as written');
    assert.equal(env.FLAG, 'true');
  });

  it('renders an extraEnv entry without value or valueFrom as an empty value', () => {
    const r = render(
      'extraEnv: [{name: EMPTY}, {name: NULL_VALUE, value: null}, {name: FROM, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n',
    );
    const own = envOf(r.container);
    assert.deepEqual(own.get('EMPTY'), { name: 'EMPTY', value: '' });
    assert.deepEqual(own.get('NULL_VALUE'), { name: 'NULL_VALUE', value: '' });
    assert.deepEqual(own.get('FROM'), { name: 'FROM', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });

  it('metrics.enabled=false only drops the metrics ports: the hub still serves them on metrics.port, off the health port', () => {
    for (const values of [
      ['metrics: {enabled: false, port: 9100}\n'],
      ['values-full-config.yaml', 'metrics: {enabled: false, port: 9100}\n'],
    ]) {
      const r = render(...values);
      checkCommon(r);
      assert.equal(
        r.container.ports?.find((p) => p.name === 'metrics'),
        undefined,
      );
      assert.equal(
        r.service?.spec.ports.find((p) => p.name === 'metrics'),
        undefined,
      );
      // Not the image's 8888: the chart's metrics.port.
      assert.equal(environment(r).OTELHUB_METRICS_PORT, '9100');
    }
    renderFails(['metrics: {enabled: false, port: 8080}\n'], /metrics\.port and config\.health\.port must differ/);
    // Full YAML mode without exposed metrics needs no metrics reader.
    const base = readFileSync(join(EXAMPLES, 'values-full-config.yaml'), 'utf8');
    assert.ok(base.includes(READER));
    checkCommon(render(base.replace(READER, 'level: basic'), 'metrics: {enabled: false}\n'));
  });

  it('enables the console: its port, endpoint and token file in drop-in mode, which builds it; off by default', () => {
    const off = render();
    assert.equal(
      off.container.ports?.find((p) => p.name === 'console'),
      undefined,
    );
    assert.equal(environment(off)[CONSOLE_VARS.endpoint], undefined);
    const r = render('console: {enabled: true, service: true, token: {secretName: console-token}}\n');
    checkCommon(r);
    assert.equal(r.container.ports?.find((p) => p.name === 'console')?.containerPort, 55679);
    assert.equal(r.service?.spec.ports.find((p) => p.name === 'console')?.port, 55679);
    const env = environment(r);
    assert.equal(env[CONSOLE_VARS.endpoint], '0.0.0.0:55679');
    assert.deepEqual(fileSource(r, env[CONSOLE_VARS.tokenFile] ?? ''), {
      type: 'secret',
      name: 'console-token',
      key: 'token',
    });
    // What drop-in mode builds from that environment: the console, on the container port, asking for the token.
    const text = dropInConfig(env, { hostname: 'otelhub-0' }).text;
    const config = parseYaml(text) as { extensions: Record<string, Record<string, unknown>> };
    assert.equal(config.extensions.console?.endpoint, '0.0.0.0:55679');
    assert.deepEqual(config.extensions.console?.auth, { authenticator: 'bearertokenauth/console' });
    assert.equal(config.extensions['bearertokenauth/console']?.filename, env[CONSOLE_VARS.tokenFile]);
    // Without a token: no variable, no mount, no Service port unless asked.
    const open = render('console: {enabled: true}\n');
    checkCommon(open);
    assert.equal(environment(open)[CONSOLE_VARS.tokenFile], undefined);
    assert.equal(
      open.service?.spec.ports.find((p) => p.name === 'console'),
      undefined,
    );
    checkCommon(render('values-full-config.yaml', 'console: {enabled: true}\n'));
    renderFails(['console: {enabled: true, port: 8888}\n'], /console\.port \(8888\) must differ/);
  });

  it('rolls the pods when the configuration changes (checksum/config)', () => {
    const a = render().workload.spec.template.metadata.annotations?.['checksum/config'];
    const b = render('config: {logLevel: debug}\n').workload.spec.template.metadata.annotations?.['checksum/config'];
    assert.notEqual(a, b);
  });

  it('keeps the probes, the health variables and the Service on one port and the same paths', () => {
    const r = render(
      'config: {health: {port: 9090, livenessPath: /live, readinessPath: /ready}}\nmetrics: {port: 9091}\nservice: {port: 80}\n',
    );
    checkCommon(r);
    assert.equal(r.container.ports?.find((p) => p.name === 'health')?.containerPort, 9090);
    assert.equal(environment(r).HTTP_HEALTH_ADDR, '0.0.0.0:9090');
    assert.equal(r.container.livenessProbe?.httpGet?.path, '/live');
    assert.equal(r.container.readinessProbe?.httpGet?.path, '/ready');
    assert.deepEqual(r.service?.spec.ports[0], { name: 'health', port: 80, targetPort: 'health', protocol: 'TCP' });
  });

  it('renders an existing values file of the original chart unchanged (but for image.repository and image.tag)', () => {
    // Every key of the MQTT-to-OpenTelemetry trace exporter chart's values.yaml, as its users have them.
    const original = `
replicaCount: 3
image: {repository: myregistry.azurecr.io/mqtt-otel-trace-exporter, pullPolicy: Always, tag: "2025.10.16"}
imagePullSecrets: [acr-pull]
serviceAccount: {create: true, annotations: {team: edge}, name: ""}
podAnnotations: {prometheus.io/scrape: "false"}
podLabels: {tier: telemetry}
podSecurityContext: {}
securityContext: {}
service: {enabled: false, type: ClusterIP, port: 8080, targetPort: 8080}
satAuth:
  enabled: true
  secretName: mqtt-sat-token
  tokenKey: sat.token
  caCertKey: ca.crt
  mountPath: /var/secrets/mqtt
  create: false
  secret: {token: "", caCert: ""}
x509Auth:
  enabled: false
  secretName: ""
  certKey: tls.crt
  keyKey: tls.key
  caCertKey: ca.crt
  mountPath: /var/secrets/mqtt-x509
  create: false
  secret: {cert: "", key: "", caCert: ""}
config:
  logLevel: debug
  telemetry:
    collectorEndpoint: "http://otel-collector:4317"
    serviceName: mqtt-otel-trace-exporter
    serviceNamespace: edge-ai
    samplingRatio: 0.25
    maxExportBatchSize: 512
    maxQueueSize: 2048
    scheduledDelayMillis: 5000
    exportTimeoutMillis: 30000
  mqtt:
    brokerHost: aio-broker.azure-iot-operations
    brokerPort: 18883
    clientId: ""
    topicFilters: [telemetry/#, factory/+/events]
    sharedSubscriptionGroup: edge-ai
    sessionExpirySecs: 86400
    receiveMax: 128
    keepAliveSecs: 30
    retryMinBackoffSecs: 5
    retryMaxBackoffSecs: 60
    useTls: true
  correlation: {fieldName: meta.correlationId, allowGenerated: false}
  health: {host: 0.0.0.0, port: 8080, livenessPath: /healthz, readinessPath: /readyz}
health:
  enabled: true
  livenessProbe: {initialDelaySeconds: 5, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 3}
  readinessProbe: {initialDelaySeconds: 5, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 3}
resources: {limits: {cpu: 500m, memory: 512Mi}, requests: {cpu: 250m, memory: 256Mi}}
affinity: {}
nodeSelector: {kubernetes.io/os: linux}
tolerations: []
priorityClassName: ""
extraEnv: [{name: RUST_BACKTRACE, value: 1}]
extraVolumeMounts: [{name: extra, mountPath: /extra}]
extraVolumes: [{name: extra, emptyDir: {}}]
`;
    const r = render(original);
    // extraEnv is the user's: allowed beside the drop-in variables.
    const withoutExtra: Rendered = {
      ...r,
      container: { ...r.container, env: r.container.env?.filter((e) => e.name !== 'RUST_BACKTRACE') },
    };
    checkCommon(withoutExtra);
    const env = environment(r);
    assert.equal(r.workload.spec.replicas, 3);
    // Its image is the Rust exporter's, as the file says: the docs tell to change image.repository and image.tag.
    assert.equal(r.container.image, 'myregistry.azurecr.io/mqtt-otel-trace-exporter:2025.10.16');
    assert.equal(env.MQTT_TOPIC_FILTERS, 'telemetry/#,factory/+/events');
    assert.equal(env.OTEL_TRACES_SAMPLER_ARG, '0.25');
    assert.equal(env.CORRELATION_ID_FIELD, 'meta.correlationId');
    assert.equal(env.CORRELATION_ALLOW_GENERATED, 'false');
    assert.equal(env.RUST_BACKTRACE, '1', 'extraEnv values are quoted, as the original did');
    assert.equal(r.service, undefined);
    assert.deepEqual(r.pod.imagePullSecrets, [{ name: 'acr-pull' }]);
    assert.equal(r.workload.spec.template.metadata.labels?.tier, 'telemetry');
    assert.ok(r.container.volumeMounts?.some((m) => m.mountPath === '/extra'));
    // Its empty securityContext maps leave the chart's hardening in place (Helm merges maps).
    assert.equal(r.container.securityContext?.readOnlyRootFilesystem, true);
  });

  it('renders a StatefulSet for stable client IDs', () => {
    const r = render('workloadKind: StatefulSet\nreplicaCount: 2\n');
    checkCommon(r);
    assert.equal(r.workload.kind, 'StatefulSet');
    assert.equal(r.workload.spec.serviceName, 'otelhub');
    assert.equal(environment(r).MQTT_CLIENT_ID, undefined, 'each pod: mqtt-otel-<pod name>, stable');
  });

  it('chooses a StatefulSet when the replicas keep sessions in a shared group, a Deployment otherwise or when told', () => {
    const kind = (...values: string[]) => render(...values).workload.kind;
    assert.equal(kind('replicaCount: 3\n'), 'StatefulSet');
    assert.equal(kind('config: {mqtt: {sharedSubscriptionGroup: ""}}\n'), 'Deployment');
    assert.equal(kind('workloadKind: Deployment\nreplicaCount: 2\n'), 'Deployment');
    assert.equal(kind('values-full-config.yaml'), 'StatefulSet');
    const full = readFileSync(join(EXAMPLES, 'values-full-config.yaml'), 'utf8');
    assert.equal(kind(full.replace('session_expiry: 5m', 'session_expiry: 0s')), 'Deployment');
    assert.equal(kind(full.replace('session_expiry: 5m', 'clean_start: true')), 'Deployment');
    assert.equal(kind(full.replace('      shared_group: otelhub\n', ''), 'replicaCount: 1\n'), 'Deployment');
    assert.equal(render('podManagementPolicy: Parallel\n').workload.spec.podManagementPolicy, 'Parallel');
  });

  it('sets the shutdown timeout, and a grace period that outlasts it, in both modes', () => {
    const drop = render('config: {shutdownTimeout: 1m30s}\n');
    checkCommon(drop);
    assert.equal(environment(drop).OTELHUB_SHUTDOWN_TIMEOUT, '1m30s');
    assert.equal(drop.pod.terminationGracePeriodSeconds, 95);
    assert.equal(render('config: {shutdownTimeout: 1500ms}\n').pod.terminationGracePeriodSeconds, 7);
    assert.equal(render('terminationGracePeriodSeconds: 120\n').pod.terminationGracePeriodSeconds, 120);
    // Full YAML mode: a default for service.shutdown_timeout; the configuration's own wins.
    const full = render('values-full-config.yaml', 'config: {shutdownTimeout: 40s}\n');
    checkCommon(full);
    const text = full.configMap.data?.['config.yaml'] ?? '';
    assert.equal((parseYaml(text) as HubConfig).service?.shutdown_timeout, '40s');
    assert.equal(full.pod.terminationGracePeriodSeconds, 45);
    const own = render(
      'values-full-config.yaml',
      'otelhubConfig: {service: {shutdown_timeout: 1m}}\n',
      'config: {shutdownTimeout: 40s}\n',
    );
    checkCommon(own);
    assert.equal(own.pod.terminationGracePeriodSeconds, 65);
  });

  it('passes the membership settings: variables in drop-in mode, the receiver block in full YAML mode', () => {
    const membership =
      'config: {mqtt: {membership: {enabled: true, topic: hubs/members, adoptAfter: 90s, leaveOnShutdown: always, drainIdle: 1500ms}}}\n';
    const env = environment(render(membership));
    assert.deepEqual(Object.fromEntries(Object.values(MEMBERSHIP_VARS).map((name) => [name, env[name]])), {
      OTELHUB_MQTT_MEMBERSHIP: 'true',
      OTELHUB_MQTT_MEMBERSHIP_TOPIC: 'hubs/members',
      OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER: '90s',
      OTELHUB_MQTT_MEMBERSHIP_LEAVE_ON_SHUTDOWN: 'always',
      OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE: '1500ms',
    });
    const none = environment(render());
    for (const name of Object.values(MEMBERSHIP_VARS))
      assert.equal(none[name], undefined, "unset: the receiver's default");
    // Full YAML mode: merged into each shared mqtt receiver as defaults under its own keys.
    const base = readFileSync(join(EXAMPLES, 'values-full-config.yaml'), 'utf8');
    const own = base.replace(
      '      session_expiry: 5m\n',
      '      session_expiry: 5m\n      membership: {adopt_after: 2m}\n',
    );
    const full = render(own, membership);
    const receivers = (parseYaml(full.configMap.data?.['config.yaml'] ?? '') as HubConfig).receivers;
    assert.deepEqual(receivers?.mqtt?.membership, {
      enabled: true,
      topic: 'hubs/members',
      adopt_after: '2m',
      leave_on_shutdown: 'always',
      drain_idle: '1500ms',
    });
    assert.equal(
      (parseYaml(render('values-full-config.yaml').configMap.data?.['config.yaml'] ?? '') as HubConfig).receivers?.mqtt
        ?.membership,
      undefined,
    );
  });

  it('renders membership settings the hub accepts, in both modes', () => {
    const membership =
      'config: {mqtt: {membership: {enabled: true, topic: hubs/members, adoptAfter: 90s, leaveOnShutdown: auto, drainIdle: 2s}}}\n';
    checkCommon(render(membership));
    checkCommon(render('values-full-config.yaml', membership));
  });

  it('refuses scale settings that would strand messages or cut a drain short', () => {
    renderFails(
      ['terminationGracePeriodSeconds: 20\n'],
      /terminationGracePeriodSeconds 20 must be at least the shutdown timeout 25s \(the default\) plus 5/,
    );
    renderFails(
      ['config: {shutdownTimeout: 60s}\nterminationGracePeriodSeconds: 60\n'],
      /terminationGracePeriodSeconds 60 must be at least the shutdown timeout 60s \(config\.shutdownTimeout\) plus 5/,
    );
    renderFails(
      [
        'values-full-config.yaml',
        'otelhubConfig: {service: {shutdown_timeout: 2m}}\nterminationGracePeriodSeconds: 60\n',
      ],
      /at least the shutdown timeout 2m \(otelhubConfig\.service\.shutdown_timeout\) plus 5/,
    );
    renderFails(['config: {shutdownTimeout: soon}\n'], /config\.shutdownTimeout "soon" must be a duration/);
    renderFails(
      ['config: {mqtt: {membership: {drainIdle: 30s}}}\n'],
      /drain_idle 30s must be shorter than the shutdown timeout 25s/,
    );
    renderFails(
      ['config: {mqtt: {membership: {leaveOnShutdown: maybe}}}\n'],
      /leaveOnShutdown must be auto, always or never, not maybe/,
    );
    renderFails(
      ['config: {mqtt: {sharedSubscriptionGroup: "", membership: {topic: x}}}\n'],
      /config\.mqtt\.membership needs config\.mqtt\.sharedSubscriptionGroup/,
    );
    for (const m of ['{enabled: false}', '{adoptAfter: 0s}'])
      renderFails(
        [`workloadKind: Deployment\nconfig: {mqtt: {membership: ${m}}}\n`],
        /a Deployment's replacement pods have new names, so new client IDs/,
      );
    const full = readFileSync(join(EXAMPLES, 'values-full-config.yaml'), 'utf8');
    renderFails(
      [full.replace('client_id: ${env:POD_NAME}', 'client_id: hub')],
      /otelhubConfig\.receivers\.mqtt\.client_id "hub" is one ID for every replica/,
    );
    renderFails(['podManagementPolicy: Random\n'], /podManagementPolicy must be OrderedReady or Parallel/);
  });

  it('refuses impossible combinations with a message naming the value', () => {
    renderFails(['satAuth: {create: true}\n'], /satAuth\.secret\.token is required when satAuth\.create=true/);
    renderFails(
      ['satAuth: {create: true, secret: {token: t}, projected: {enabled: true}}\n'],
      /satAuth\.create and satAuth\.projected\.enabled exclude each other/,
    );
    renderFails(
      ['satAuth: {projected: {enabled: true, expirationSeconds: 300}}\n'],
      /expirationSeconds must be at least 600/,
    );
    renderFails(['satAuth: {secretName: ""}\n'], /satAuth\.secretName is required/);
    renderFails(['x509Auth: {enabled: true}\n'], /x509Auth\.secretName is required/);
    renderFails(['x509Auth: {enabled: true, create: true, secret: {cert: c}}\n'], /x509Auth\.secret\.key is required/);
    renderFails(
      ['replicaCount: 2\nconfig: {mqtt: {clientId: fixed}}\n'],
      /config\.mqtt\.clientId must be empty when replicaCount > 1/,
    );
    renderFails(
      ['replicaCount: 2\nconfig: {mqtt: {sharedSubscriptionGroup: ""}}\n'],
      /sharedSubscriptionGroup is required when replicaCount > 1/,
    );
    renderFails(
      ['config: {health: {readinessPath: /healthz}}\n'],
      /livenessPath \(\/healthz\) and readinessPath \(\/healthz\) must be two different paths/,
    );
    renderFails(
      ['config: {health: {livenessPath: /}}\n'],
      /must be two different paths starting with \/ and other than \//,
    );
    renderFails(['metrics: {port: 8080}\n'], /metrics\.port and config\.health\.port must differ/);
    renderFails(['workloadKind: DaemonSet\n'], /workloadKind must be Deployment or StatefulSet \(or empty/);
    // Kubernetes refuses two volumes at one mountPath.
    renderFails(
      ['x509Auth: {enabled: true, secretName: s, mountPath: /var/secrets/mqtt/}\n'],
      /x509Auth\.mountPath \/var\/secrets\/mqtt is also the mount path of satAuth\.mountPath/,
    );
    renderFails(
      ['caTrustBundle: {configMapName: bundle, mountPath: /var/secrets/mqtt}\n'],
      /caTrustBundle\.mountPath \/var\/secrets\/mqtt is also the mount path of satAuth\.mountPath/,
    );
    renderFails(
      [
        'satAuth: {enabled: false}\nx509Auth: {enabled: true, secretName: s}\ncaTrustBundle: {configMapName: bundle, mountPath: /var/secrets/mqtt-x509}\n',
      ],
      /caTrustBundle\.mountPath \/var\/secrets\/mqtt-x509 is also the mount path of x509Auth\.mountPath/,
    );
    renderFails(
      ['satAuth: {mountPath: /tmp}\n'],
      /satAuth\.mountPath \/tmp is also the mount path of the chart's \/tmp emptyDir/,
    );
  });

  it('refuses a full configuration whose health_check the probes cannot reach', () => {
    const base = readFileSync(join(EXAMPLES, 'values-full-config.yaml'), 'utf8');
    renderFails(
      [base.replace('endpoint: 0.0.0.0:8080', 'endpoint: 0.0.0.0:13133')],
      /health_check\.endpoint "0\.0\.0\.0:13133" must listen on config\.health\.port 8080/,
    );
    renderFails(
      [base.replace('readiness_path: /readyz', 'readiness_path: /ready')],
      /readiness_path \/ready differs from config\.health\.readinessPath \/readyz/,
    );
    renderFails(
      [base.replace('extensions: [health_check]', 'extensions: []')],
      /service\.extensions must list health_check/,
    );
    renderFails([base, 'otelhubConfig: {extensions: null}\n'], /otelhubConfig has no health_check extension/);
    // The extension's own default paths are not the probes': both paths are required.
    renderFails(
      [base.replace('      liveness_path: /healthz\n', '')],
      /health_check\.liveness_path is required: set it to config\.health\.livenessPath \/healthz/,
    );
    renderFails(
      [base.replace('      readiness_path: /readyz\n', '')],
      /health_check\.readiness_path is required: set it to config\.health\.readinessPath \/readyz/,
    );
    // The kubelet cannot reach a loopback listener.
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      renderFails(
        [base.replace('endpoint: 0.0.0.0:8080', `endpoint: "${host}:8080"`)],
        /health_check\.endpoint ".*:8080" listens on loopback/,
      );
    }
    // Without probes, no health_check is needed.
    const r = render(base, 'otelhubConfig: {extensions: null, service: {extensions: []}}\nhealth: {enabled: false}\n');
    assert.equal(r.container.livenessProbe, undefined);
  });

  it('refuses a full configuration whose metrics are not on metrics.port, off loopback', () => {
    const base = readFileSync(join(EXAMPLES, 'values-full-config.yaml'), 'utf8');
    assert.ok(base.includes(READER));
    const reader = (host: string, port: string) => READER.replace('0.0.0.0', host).replace('8888', port);
    renderFails(
      [base.replace(READER, 'level: basic')],
      /service\.telemetry\.metrics\.readers is required when metrics\.enabled=true/,
    );
    renderFails(
      [base.replace(READER, reader('0.0.0.0', '9999'))],
      /metrics\.readers has no pull reader with a prometheus exporter on metrics\.port 8888/,
    );
    renderFails([base.replace(READER, 'readers: []')], /metrics\.readers has no pull reader/);
    renderFails([base.replace(READER, reader('127.0.0.1', '8888'))], /readers\[0\] host "127\.0\.0\.1" is loopback/);
    renderFails(
      [base.replace(READER, READER.replace('\n                  host: 0.0.0.0', ''))],
      /readers\[0\] host "localhost" is loopback \(localhost when unset\)/,
    );
    renderFails(
      [base.replace(READER, reader('${env:OTHER}', '8888'))],
      /readers\[0\] host "\$\{env:OTHER\}" cannot be checked/,
    );
    // The chart's own variables are 0.0.0.0 and metrics.port.
    checkCommon(
      render(
        base.replace(READER, reader('${env:OTELHUB_METRICS_HOST}', '${env:OTELHUB_METRICS_PORT}')),
        'metrics: {port: 9100}\n',
      ),
    );
    // The deprecated address, as configurations written before readers have it, still passes the same checks.
    const address = (a: string) => base.replace(READER, `address: ${a}`);
    checkCommon(render(address('0.0.0.0:8888')));
    renderFails([address('0.0.0.0:9999')], /metrics\.address "0\.0\.0\.0:9999" must listen on metrics\.port 8888/);
    renderFails([address('127.0.0.1:8888')], /metrics\.address "127\.0\.0\.1:8888" listens on loopback/);
    renderFails([address('localhost:8888')], /metrics\.address "localhost:8888" listens on loopback/);
    renderFails([address('${env:OTHER}')], /metrics\.address "\$\{env:OTHER\}" cannot be checked/);
    checkCommon(render(address('${env:OTELHUB_METRICS_ADDRESS}'), 'metrics: {port: 9100}\n'));
  });
});

describe('Helm renderer deploy/helm/render', () => {
  it("has helm template's semantics: values coalescing, numbers, missing values, functions, kind order, errors", () => {
    const chart = join(tmp, 'semantics');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: semantics\nversion: 1.2.3\nappVersion: "4.5"\n');
    writeFileSync(
      join(chart, 'values.yaml'),
      'a: {b: 1, c: 2}\nbig: 1000000\nlist: [x, y]\ntext: "{{ .Chart.Name }}"\n',
    );
    writeFileSync(
      join(chart, 'templates', '_helpers.tpl'),
      '{{- define "t.name" -}}{{ .Chart.Name }}-{{ .Chart.AppVersion }}{{- end }}\n',
    );
    writeFileSync(
      join(chart, 'templates', 'a-deployment.yaml'),
      [
        'kind: Deployment',
        'name: {{ include "t.name" . }}',
        'release: {{ .Release.Name }}/{{ .Release.Namespace }}/{{ .Release.Service }}',
        'template: {{ .Template.Name }}',
        'keys: {{ keys .Values.a | sortAlpha | join "," }}',
        'big: {{ .Values.big }}',
        'bigInt: {{ int .Values.big }}',
        'missing: "{{ .Values.nothing }}"',
        'tpl: {{ tpl .Values.text . }}',
        'yaml: {{ toYaml .Values.list | nindent 2 }}',
        'json: {{ toJson .Values.a }}',
        'from: {{ (fromYaml "k: v").k }}',
        'kube: {{ .Capabilities.KubeVersion.Major }}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(chart, 'templates', 'b-service.yaml'), 'kind: Service\n---\n# only a comment\n');
    writeFileSync(join(chart, 'templates', 'c-empty.yaml'), '{{- if false }}kind: Nothing{{ end }}\n');
    const run = (...args: string[]) => spawnSync(renderer(), ['rel', chart, '-n', 'ns', ...args], { encoding: 'utf8' });
    const ok = run('-f', tmpFile('v.yaml', 'a: {b: null}\n'));
    assert.equal(ok.status, 0, ok.stderr);
    // Each document with its source, in Helm's install order of kinds (Service before Deployment, a document without
    // a kind last); a template rendering to whitespace is left out.
    assert.deepEqual(
      ok.stdout.match(/^# Source: .*$/gm)?.map((l) => l.replace('# Source: semantics/templates/', '')),
      ['b-service.yaml', 'a-deployment.yaml', 'b-service.yaml'],
    );
    const deployment = parseAllDocuments(ok.stdout)
      .map((d) => d.toJS() as Record<string, unknown> | null)
      .find((d) => d?.kind === 'Deployment');
    assert.deepEqual(deployment, {
      kind: 'Deployment',
      name: 'semantics-4.5',
      release: 'rel/ns/Helm',
      template: 'semantics/templates/a-deployment.yaml',
      keys: 'c', // a null in -f removes the chart's default
      big: 1e6, // printed as 1e+06: numbers are float64, as in Helm
      bigInt: 1000000,
      missing: '',
      tpl: 'semantics',
      yaml: ['x', 'y'],
      json: { c: 2 },
      from: 'v',
      kube: 1,
    });
    assert.match(ok.stdout, /^big: 1e\+06$/m);
    // required and fail: Helm's error format, exit status 1.
    writeFileSync(join(chart, 'templates', 'd-required.yaml'), 'x: {{ required "need .Values.x" .Values.x }}\n');
    const failed = run();
    assert.equal(failed.status, 1);
    assert.match(
      failed.stderr,
      /^Error: execution error at \(semantics\/templates\/d-required\.yaml:1:6\): need \.Values\.x\n$/,
    );
  });
});

describe('sidecar example deploy/kubernetes/sidecar.yaml', () => {
  const docs = parseAllDocuments(readFileSync(SIDECAR, 'utf8')).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS() as Resource;
  });

  it('runs otelhub next to the application with a valid configuration, probed on its health_check', () => {
    const deployment = docs.find((d) => d.kind === 'Deployment') as Workload;
    const configMap = docs.find((d) => d.kind === 'ConfigMap')!;
    const pod = deployment.spec.template.spec;
    const hub = pod.containers.find((c) => c.name === 'otelhub')!;
    const app = pod.containers.find((c) => c.name !== 'otelhub')!;
    assert.deepEqual(hub.args, ['--config', CONFIG_PATH]);
    const r: Rendered = {
      docs,
      configMap,
      workload: deployment,
      pod,
      container: hub,
      service: undefined,
      secrets: [],
      full: true,
    };
    assert.deepEqual(fileSource(r, CONFIG_PATH), {
      type: 'configMap',
      name: configMap.metadata.name,
      key: 'config.yaml',
    });
    assert.equal(hub.securityContext?.readOnlyRootFilesystem, true);
    assert.ok(
      pod.volumes?.find((v) => v.name === hub.volumeMounts?.find((m) => m.mountPath === '/tmp')?.name)?.emptyDir,
    );

    const text = configMap.data?.['config.yaml'] ?? '';
    const env = environment(r);
    const config = parseYaml(expandEnv(text, env)) as HubConfig & {
      receivers: {
        otlp: { protocols: { grpc: { endpoint: string } } };
        mqtt: { auth: { sat_token_file: string }; tls: { ca_file: string } };
      };
    };
    // The application's OTLP goes to the hub's loopback receiver.
    const appEndpoint = app.env?.find((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value;
    assert.equal(portOf(appEndpoint ?? ''), portOf(config.receivers.otlp.protocols.grpc.endpoint));
    // The MQTT receiver's files are mounted.
    assert.deepEqual(fileSource(r, config.receivers.mqtt.auth.sat_token_file), {
      type: 'serviceAccountToken',
      key: 'broker-sat',
      audience: 'aio-internal',
    });
    assert.deepEqual(fileSource(r, config.receivers.mqtt.tls.ca_file), {
      type: 'configMap',
      name: 'azure-iot-operations-aio-ca-trust-bundle',
      key: 'ca.crt',
    });
    // The liveness probe requests health_check's liveness path on its port.
    const hc = config.extensions?.health_check ?? {};
    assert.ok(config.service?.extensions?.includes('health_check'));
    const port = hub.ports?.find((p) => p.name === hub.livenessProbe?.httpGet?.port);
    assert.equal(port?.containerPort, portOf(hc.endpoint ?? ''));
    assert.equal(hub.livenessProbe?.httpGet?.path, hc.liveness_path);
    assert.equal(
      hub.readinessProbe,
      undefined,
      'a sidecar readiness probe would take the application out of its Service',
    );
    // The projected token is 0600, owned by the pod's runAsUser: otelhub must run as that user.
    assert.equal(typeof pod.securityContext?.runAsUser, 'number');
    for (const c of [hub, app])
      assert.equal(c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser, pod.securityContext?.runAsUser);
    validate(['--config', tmpFile('sidecar-config.yaml', text)], env);
  });
});
