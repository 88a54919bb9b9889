import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SchemaObject } from 'ajv';
import { createAjv, redact, suggest, validateConfig } from './schema.ts';

const batchLike: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    send_batch_size: { type: 'integer', minimum: 0, default: 8192 },
    send_batch_max_size: { type: 'integer', minimum: 0, default: 0 },
    timeout: { type: ['string', 'number'], duration: true, default: '200ms' },
  },
};

const exporterLike: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['endpoint'],
  properties: {
    endpoint: { type: 'string', minLength: 1 },
    compression: { enum: ['none', 'gzip'], default: 'gzip' },
    level: { enum: ['basic', 'normal', 'detailed'] },
    headers: { type: 'object', additionalProperties: { type: 'string', sensitive: true }, default: {} },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: { token: { type: 'string', sensitive: true, pattern: '^[A-Za-z0-9]+$' }, user: { type: 'string' } },
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        initial_interval: { duration: true, default: '5s' },
        max_interval: { duration: true, default: '30s' },
      },
    },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

await test('defaults are applied, durations (defaults included) become milliseconds', () => {
  assert.deepEqual(validateConfig(batchLike, {}), {
    value: { send_batch_size: 8192, send_batch_max_size: 0, timeout: 200 },
    issues: [],
  });
  const r = validateConfig(exporterLike, { endpoint: 'x:4317', retry: { max_interval: '1m' } });
  assert.deepEqual(r.issues, []);
  assert.deepEqual(r.value, {
    endpoint: 'x:4317',
    compression: 'gzip',
    headers: {},
    retry: { enabled: true, initial_interval: 5000, max_interval: 60_000 },
  });
});

await test('null or undefined config (`batch:` in YAML) is validated as {}', () => {
  const expected = { send_batch_size: 8192, send_batch_max_size: 0, timeout: 200 };
  assert.deepEqual(validateConfig(batchLike, null).value, expected);
  assert.deepEqual(validateConfig(batchLike, undefined).value, expected);
});

await test("the caller's object is not changed", () => {
  const input = { timeout: '1s', nested: undefined as unknown };
  delete input.nested;
  const before = structuredClone(input);
  const r = validateConfig(batchLike, input);
  assert.deepEqual(input, before);
  assert.equal((r.value as { timeout: number }).timeout, 1000);
  const exp = { endpoint: 'e', retry: {} };
  validateConfig(exporterLike, exp);
  assert.deepEqual(exp, { endpoint: 'e', retry: {} });
});

await test('durations: 0 and strings accepted, other numbers and bad strings refused', () => {
  assert.equal((validateConfig(batchLike, { timeout: 0 }).value as { timeout: number }).timeout, 0);
  assert.equal((validateConfig(batchLike, { timeout: '1h30m' }).value as { timeout: number }).timeout, 5_400_000);
  assert.deepEqual(validateConfig(batchLike, { timeout: 5000 }).issues, [
    { path: ['timeout'], message: 'must be a duration string such as "200ms" or "5s"' },
  ]);
  assert.deepEqual(validateConfig(batchLike, { timeout: '5' }).issues, [
    { path: ['timeout'], message: 'invalid duration "5": missing unit (ns, us, ms, s, m or h)' },
  ]);
  // A duration with no type of its own refuses other types itself.
  assert.deepEqual(validateConfig(exporterLike, { endpoint: 'e', retry: { initial_interval: true } }).issues, [
    { path: ['retry', 'initial_interval'], message: 'must be a duration string such as "200ms" or "5s"' },
  ]);
});

await test('an unknown key is reported at the key, with a suggestion when one is close', () => {
  assert.deepEqual(validateConfig(batchLike, { sned_batch_size: 10 }).issues, [
    { path: ['sned_batch_size'], message: 'unknown key "sned_batch_size" (did you mean "send_batch_size"?)' },
  ]);
  assert.deepEqual(validateConfig(exporterLike, { endpoint: 'e', retry: { enabeld: false } }).issues, [
    { path: ['retry', 'enabeld'], message: 'unknown key "enabeld" (did you mean "enabled"?)' },
  ]);
  assert.deepEqual(validateConfig(batchLike, { colour: 'red' }).issues, [
    { path: ['colour'], message: 'unknown key "colour" (valid keys: send_batch_size, send_batch_max_size, timeout)' },
  ]);
  const many: SchemaObject = {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`key_${i}`, { type: 'string' }])),
  };
  assert.deepEqual(validateConfig(many, { colour: 'red' }).issues, [
    { path: ['colour'], message: 'unknown key "colour"' },
  ]);
});

await test('required, enum and type problems, at their paths', () => {
  assert.deepEqual(validateConfig(exporterLike, {}).issues, [{ path: ['endpoint'], message: 'is required' }]);
  assert.deepEqual(validateConfig(exporterLike, { endpoint: 'e', level: 'loud' }).issues, [
    { path: ['level'], message: 'must be one of: basic, normal, detailed' },
  ]);
  assert.deepEqual(validateConfig(exporterLike, { endpoint: 5 }).issues, [
    { path: ['endpoint'], message: 'must be a string' },
  ]);
  assert.deepEqual(validateConfig(exporterLike, { endpoint: 'e', retry: 'yes' }).issues, [
    { path: ['retry'], message: 'must be a map' },
  ]);
  assert.deepEqual(validateConfig(batchLike, { timeout: true }).issues, [
    { path: ['timeout'], message: 'must be a string or a number' },
  ]);
  assert.deepEqual(validateConfig(exporterLike, { endpoint: 'e', tags: ['a', 2] }).issues, [
    { path: ['tags', 1], message: 'must be a string' },
  ]);
  assert.deepEqual(validateConfig(batchLike, []).issues, [{ path: [], message: 'must be a map' }]);
});

await test('every problem is reported in one call', () => {
  const r = validateConfig(exporterLike, {
    compression: 'zstd',
    headers: { a: 1 },
    auth: { tokn: 'x' },
    retry: { enabled: 'yes', initial_interval: '5' },
    tags: 'a',
  });
  assert.deepEqual(
    new Set(r.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    new Set([
      'endpoint: is required',
      'compression: must be one of: none, gzip',
      'headers.a: must be a string',
      'auth.tokn: unknown key "tokn" (did you mean "token"?)',
      'retry.enabled: must be a boolean',
      'retry.initial_interval: invalid duration "5": missing unit (ns, us, ms, s, m or h)',
      'tags: must be a list',
    ]),
  );
  assert.equal(r.issues.length, 7);
});

await test('values are never quoted in messages, sensitive ones least of all', () => {
  const r = validateConfig(exporterLike, { endpoint: '', auth: { token: 'hunter2!' }, headers: { h: 'ok' } });
  assert.deepEqual(
    r.issues.map((i) => i.path),
    [['endpoint'], ['auth', 'token']],
  );
  for (const i of r.issues) assert.doesNotMatch(i.message, /hunter2/);
});

await test('combinators give one message per problem', () => {
  const schema: SchemaObject = {
    type: 'object',
    properties: {
      a: {
        anyOf: [
          { type: 'string' },
          { type: 'object', additionalProperties: false, required: ['x'], properties: { x: { type: 'integer' } } },
        ],
      },
      b: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
      c: { type: 'string', if: { minLength: 2 }, then: { pattern: '^[a-z]+$' } },
    },
  };
  assert.deepEqual(validateConfig(schema, { a: { x: 'one' }, b: true, c: 'AB' }).issues, [
    { path: ['a', 'x'], message: 'must be an integer' },
    { path: ['b'], message: 'must be a string or an integer' },
    { path: ['c'], message: 'must match pattern "^[a-z]+$"' },
  ]);
  assert.deepEqual(validateConfig(schema, { a: 5 }).issues, [{ path: ['a'], message: 'must be a string or a map' }]);
});

await test('createAjv is strict, knows our keywords, and applies defaults before converting durations', () => {
  const ajv = createAjv();
  assert.throws(() => ajv.compile({ type: 'object', propertees: {} }), /strict mode: unknown keyword/);
  assert.throws(() => ajv.compile({ duration: 'yes' }), /duration value must be/);
  const validate = ajv.compile({
    type: 'object',
    properties: { t: { duration: true, default: '2s' }, s: { type: 'string', sensitive: true } },
  });
  const data: Record<string, unknown> = { s: 'x' };
  assert.equal(validate(data), true);
  assert.deepEqual(data, { s: 'x', t: 2000 });
  const list = ajv.compile({ type: 'array', items: { duration: true } });
  const durations: unknown[] = ['1s', '10ms', 0];
  assert.equal(list(durations), true);
  assert.deepEqual(durations, [1000, 10, 0]);
});

await test('validateConfig throws on a broken schema', () => {
  assert.throws(() => validateConfig({ type: 'object', properties: { a: { type: 'strnig' } } }, {}));
});

await test('redact replaces sensitive values, wherever the schema puts them', () => {
  const value = {
    endpoint: 'e',
    headers: { authorization: 'Bearer x', 'x-other': 'y' },
    auth: { token: 't', user: 'u' },
    tags: ['a'],
  };
  const before = structuredClone(value);
  assert.deepEqual(redact(value, exporterLike), {
    endpoint: 'e',
    headers: { authorization: '[REDACTED]', 'x-other': '[REDACTED]' },
    auth: { token: '[REDACTED]', user: 'u' },
    tags: ['a'],
  });
  assert.deepEqual(value, before);
  // Absent stays absent.
  assert.deepEqual(redact({ endpoint: 'e', auth: { user: 'u' } }, exporterLike), {
    endpoint: 'e',
    auth: { user: 'u' },
  });
  const composite: SchemaObject = {
    type: 'object',
    properties: {
      list: { type: 'array', items: { type: 'object', properties: { pw: { type: 'string', sensitive: true } } } },
      either: { anyOf: [{ type: 'string', sensitive: true }, { type: 'number' }] },
      whole: { type: 'object', sensitive: true },
    },
    patternProperties: { '^secret_': { sensitive: true } },
  };
  assert.deepEqual(
    redact({ list: [{ pw: 'p', n: 1 }, {}], either: 's', whole: { a: 1 }, secret_x: 1, other: 2 }, composite),
    {
      list: [{ pw: '[REDACTED]', n: 1 }, {}],
      either: '[REDACTED]',
      whole: '[REDACTED]',
      secret_x: '[REDACTED]',
      other: 2,
    },
  );
});

await test('suggest finds close candidates only', () => {
  const keys = ['send_batch_size', 'send_batch_max_size', 'timeout'];
  assert.equal(suggest('sned_batch_size', keys), 'send_batch_size');
  assert.equal(suggest('timeuot', keys), 'timeout');
  assert.equal(suggest('TIMEOUT', keys), 'timeout');
  assert.equal(suggest('send_batch_max_szie', keys), 'send_batch_max_size');
  assert.equal(suggest('colour', keys), undefined);
  assert.equal(suggest('otlpp', ['otlp', 'otlphttp', 'debug']), 'otlp');
  assert.equal(suggest('ab', ['xy']), undefined);
  assert.equal(suggest('x', []), undefined);
});
