// Drop-in mode's own variables for scaling out: the MQTT receiver's membership block and service.shutdown_timeout.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/issues.ts';
import type { DropInContext } from './drop-in-env.ts';
import { dropInConfig, dropInHubOptions } from './drop-in.ts';
import { loadHubConfig } from './hub.ts';

const CTX: DropInContext = { hostname: 'otelhub-1' };
const BASE = { MQTT_BROKER_HOST: 'broker', MQTT_SHARED_SUBSCRIPTION: 'otelhub' };
const MEMBERSHIP = {
  OTELHUB_MQTT_MEMBERSHIP: 'true',
  OTELHUB_MQTT_MEMBERSHIP_TOPIC: 'hubs/members',
  OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER: '90s',
  OTELHUB_MQTT_MEMBERSHIP_LEAVE_ON_SHUTDOWN: 'Always',
  OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE: '1500ms',
};
/** The receiver knows `membership` once items 1 and 2 of issue 13 are in (receivers/mqtt). */

interface Yaml {
  receivers: { mqtt: Record<string, unknown> };
  service: Record<string, unknown>;
}
const yamlOf = (env: Record<string, string>) => parseYaml(dropInConfig(env, CTX).text) as Yaml;

function issuesOf(env: Record<string, string>): string[] {
  try {
    dropInConfig(env, CTX);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  }
  return [];
}

describe('drop-in mode: scaling out', () => {
  it('writes the membership block and shutdown_timeout only for the variables set, each commented with its variable', () => {
    const none = yamlOf(BASE);
    assert.equal(none.receivers.mqtt.membership, undefined, "unset: the receiver's defaults");
    assert.equal(none.service.shutdown_timeout, undefined, "unset: the hub's default");
    const text = dropInConfig({ ...BASE, ...MEMBERSHIP, OTELHUB_SHUTDOWN_TIMEOUT: '40s' }, CTX).text;
    const all = parseYaml(text) as Yaml;
    assert.deepEqual(all.receivers.mqtt.membership, {
      enabled: true,
      topic: 'hubs/members',
      adopt_after: '90s',
      leave_on_shutdown: 'always',
      drain_idle: '1500ms',
    });
    assert.equal(all.service.shutdown_timeout, '40s');
    for (const name of [...Object.keys(MEMBERSHIP), 'OTELHUB_SHUTDOWN_TIMEOUT'])
      assert.match(text, new RegExp(`# ${name}\\n`), `${name} is named beside its line`);
    const some = yamlOf({ ...BASE, OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER: '0s' });
    assert.deepEqual(some.receivers.mqtt.membership, { adopt_after: '0s' });
  });

  it('runs with the shutdown timeout it is given', async () => {
    const r = await loadHubConfig({
      ...dropInHubOptions({ ...BASE, OTELHUB_SHUTDOWN_TIMEOUT: '1m30s' }, CTX),
      env: {},
    });
    assert.deepEqual(r.issues, []);
    assert.equal(r.config?.service.shutdown_timeout, 90_000);
  });

  it('refuses invalid values under their variable, and membership without a shared group', () => {
    assert.deepEqual(
      issuesOf({
        ...BASE,
        OTELHUB_MQTT_MEMBERSHIP: 'yes',
        OTELHUB_MQTT_MEMBERSHIP_TOPIC: 'members/#',
        OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER: '60',
        OTELHUB_MQTT_MEMBERSHIP_LEAVE_ON_SHUTDOWN: 'sometimes',
        OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE: '-1s',
        OTELHUB_SHUTDOWN_TIMEOUT: '30d',
      }).map((i) => i.replace(/: .*/, '')),
      [
        'OTELHUB_MQTT_MEMBERSHIP',
        'OTELHUB_MQTT_MEMBERSHIP_TOPIC',
        'OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER',
        'OTELHUB_MQTT_MEMBERSHIP_LEAVE_ON_SHUTDOWN',
        'OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE',
        'OTELHUB_SHUTDOWN_TIMEOUT',
      ],
    );
    assert.deepEqual(issuesOf({ ...BASE, MQTT_SHARED_SUBSCRIPTION: ' ', OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER: '1m' }), [
      'OTELHUB_MQTT_MEMBERSHIP: OTELHUB_MQTT_MEMBERSHIP_ADOPT_AFTER need a shared group: MQTT_SHARED_SUBSCRIPTION is blank (no shared subscription)',
    ]);
  });

  it('refuses a drain_idle that does not fit in the shutdown timeout, within which a leaving replica drains', () => {
    assert.match(
      issuesOf({ ...BASE, OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE: '25s' }).join('\n'),
      /OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE: 25s must be shorter than the shutdown timeout \(25s, the default/,
    );
    assert.deepEqual(
      issuesOf({ ...BASE, OTELHUB_MQTT_MEMBERSHIP_DRAIN_IDLE: '25s', OTELHUB_SHUTDOWN_TIMEOUT: '40s' }),
      [],
    );
  });

  it('runs the membership block it writes', async () => {
    const r = await loadHubConfig({ ...dropInHubOptions({ ...BASE, ...MEMBERSHIP }, CTX), env: {} });
    assert.deepEqual(r.issues, []);
    const membership = (r.config?.receivers.mqtt as { membership?: Record<string, unknown> }).membership;
    assert.equal(membership?.topic, 'hubs/members');
    assert.equal(membership?.leave_on_shutdown, 'always');
  });
});
