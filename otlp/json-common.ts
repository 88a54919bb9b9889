// OTLP/JSON of common.proto and resource.proto: AnyValue, KeyValue, InstrumentationScope, Resource, EntityRef.
import type { AnyValue, EntityRef, InstrumentationScope, KeyValue, Resource } from '../core/pdata/index.ts';
import type { Obj } from './json-read.ts';
import {
  JsonShapeError,
  base64Value,
  bool,
  doubleValue,
  element,
  int64Value,
  list,
  message,
  str,
  stringElement,
  uint32,
} from './json-read.ts';
import type { Json } from './json-write.ts';
import { base64, dv, l, n, s } from './json-write.ts';
import { MAX_VALUE_DEPTH } from './proto-schema.ts';

export function anyValueJson(v: AnyValue): Json {
  if ('stringValue' in v) return { stringValue: v.stringValue };
  if ('intValue' in v) return { intValue: v.intValue.toString() };
  if ('doubleValue' in v) return { doubleValue: dv(v.doubleValue) };
  if ('boolValue' in v) return { boolValue: v.boolValue };
  if ('bytesValue' in v) return { bytesValue: base64(v.bytesValue) };
  if ('arrayValue' in v) return { arrayValue: { values: l(v.arrayValue.values, anyValueJson) } };
  if ('kvlistValue' in v) return { kvlistValue: { values: l(v.kvlistValue.values, keyValueJson) } };
  return {};
}

export function keyValueJson(kv: KeyValue): Json {
  return { key: kv.key, value: anyValueJson(kv.value) };
}

export function attributesJson(kvs: readonly KeyValue[]): Json[] | undefined {
  return l(kvs, keyValueJson);
}

function entityRefJson(e: EntityRef): Json {
  return {
    schemaUrl: s(e.schemaUrl),
    type: s(e.type),
    idKeys: l(e.idKeys, String),
    descriptionKeys: l(e.descriptionKeys, String),
  };
}

export function resourceJson(r: Resource): Json {
  return {
    attributes: attributesJson(r.attributes),
    droppedAttributesCount: n(r.droppedAttributesCount),
    entityRefs: r.entityRefs ? l(r.entityRefs, entityRefJson) : undefined,
  };
}

export function scopeJson(sc: InstrumentationScope): Json {
  return {
    name: s(sc.name),
    version: s(sc.version),
    attributes: attributesJson(sc.attributes),
    droppedAttributesCount: n(sc.droppedAttributesCount),
  };
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** One AnyValue; like protobuf's JSON mapping, more than one member of the oneof is an error. */
export function readAnyValue(o: Obj, depth = 0): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new JsonShapeError('', `AnyValue nested deeper than ${MAX_VALUE_DEPTH}`);
  let v: AnyValue = {};
  let members = 0;
  if (isSet(o.stringValue)) {
    v = { stringValue: str(o, 'stringValue') };
    members++;
  }
  if (isSet(o.intValue)) {
    v = { intValue: int64Value('intValue', o.intValue) };
    members++;
  }
  if (isSet(o.doubleValue)) {
    v = { doubleValue: doubleValue('doubleValue', o.doubleValue) };
    members++;
  }
  if (isSet(o.boolValue)) {
    v = { boolValue: bool(o, 'boolValue') };
    members++;
  }
  if (isSet(o.bytesValue)) {
    v = { bytesValue: base64Value('bytesValue', o.bytesValue) };
    members++;
  }
  if (isSet(o.arrayValue)) {
    const values = message(o, 'arrayValue', (a) =>
      list(
        a,
        'values',
        element((x) => readAnyValue(x, depth + 1)),
      ),
    );
    v = { arrayValue: { values } };
    members++;
  }
  if (isSet(o.kvlistValue)) {
    const values = message(o, 'kvlistValue', (a) =>
      list(
        a,
        'values',
        element((x) => readKeyValue(x, depth + 1)),
      ),
    );
    v = { kvlistValue: { values } };
    members++;
  }
  if (members > 1) throw new JsonShapeError('', 'an AnyValue with more than one value set');
  return v;
}

export function readKeyValue(o: Obj, depth = 0): KeyValue {
  return { key: str(o, 'key'), value: message(o, 'value', (v) => readAnyValue(v, depth)) };
}

export function readAttributes(o: Obj, key: string): KeyValue[] {
  return list(o, key, keyValueElement);
}

const keyValueElement = element((o) => readKeyValue(o));

const readEntityRef = element(
  (o): EntityRef => ({
    schemaUrl: str(o, 'schemaUrl'),
    type: str(o, 'type'),
    idKeys: list(o, 'idKeys', stringElement),
    descriptionKeys: list(o, 'descriptionKeys', stringElement),
  }),
);

export function readResource(o: Obj): Resource {
  const r: Resource = {
    attributes: readAttributes(o, 'attributes'),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount'),
  };
  const refs = list(o, 'entityRefs', readEntityRef);
  if (refs.length > 0) r.entityRefs = refs;
  return r;
}

export function readScope(o: Obj): InstrumentationScope {
  return {
    name: str(o, 'name'),
    version: str(o, 'version'),
    attributes: readAttributes(o, 'attributes'),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount'),
  };
}
