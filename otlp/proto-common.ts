// common.proto and resource.proto: AnyValue, KeyValue, InstrumentationScope, Resource, EntityRef.
import type { AnyValue, EntityRef, InstrumentationScope, KeyValue, Resource } from '../core/pdata/index.ts';
import {
  ANY_VALUE,
  ENTITY_REF,
  KEY_VALUE,
  LEN,
  MAX_VALUE_DEPTH,
  RESOURCE,
  SCOPE,
  VALUES,
  VARINT,
} from './proto-schema.ts';
import type { Reader } from './proto-read.ts';
import {
  enter,
  leave,
  readBool,
  readBytes,
  readDouble,
  readInt64,
  readString,
  readTag,
  readUint32,
  skipField,
} from './proto-read.ts';
import type { Writer } from './proto-write.ts';
import {
  newWriter,
  open,
  putDouble,
  putInt64,
  writeEncoded,
  writeShortKeyValue,
  writeString,
  writeUint32,
} from './proto-write.ts';

/** The fields of an AnyValue; a set oneof member is written even when it holds its type's default. */
export function writeAnyValue(w: Writer, v: AnyValue): void {
  if ('stringValue' in v) w.uint32((ANY_VALUE.stringValue << 3) | LEN).string(v.stringValue);
  else if ('intValue' in v) putInt64(w, ANY_VALUE.intValue, v.intValue);
  else if ('doubleValue' in v) putDouble(w, ANY_VALUE.doubleValue, v.doubleValue);
  else if ('boolValue' in v) w.uint32((ANY_VALUE.boolValue << 3) | VARINT).bool(v.boolValue);
  else if ('bytesValue' in v) w.uint32((ANY_VALUE.bytesValue << 3) | LEN).bytes(v.bytesValue);
  else if ('arrayValue' in v) {
    open(w, ANY_VALUE.arrayValue);
    for (const x of v.arrayValue.values) {
      open(w, VALUES);
      writeAnyValue(w, x);
      w.ldelim();
    }
    w.ldelim();
  } else if ('kvlistValue' in v) {
    open(w, ANY_VALUE.kvlistValue);
    writeKeyValues(w, VALUES, v.kvlistValue.values);
    w.ldelim();
  }
}

/** Where preEncoded keeps a KeyValue's encoding. */
const WIRE = Symbol('otelhub.protobuf');
type Wired = KeyValue & { readonly [WIRE]?: Uint8Array };

/**
 * Keeps `kv`'s protobuf encoding (its fields, without the tag of the message holding it) on it, for a KeyValue that
 * never changes again and is shared by many items: the correlation processor's constant attributes, when nothing
 * after it changes data in place (`downstreamReadOnly`). Writing their keys and values character by character was
 * most of the cost of encoding a span. The bytes sit on a non-enumerable symbol property, which a spread, a
 * structuredClone or JSON leave behind, so a copy made to be changed is encoded from its fields.
 */
export function preEncoded(kv: KeyValue): KeyValue {
  const w = newWriter();
  writeKeyValueFields(w, kv);
  Object.defineProperty(kv, WIRE, { value: Uint8Array.from(w.finish()) });
  return kv;
}

function writeKeyValueFields(w: Writer, kv: KeyValue): void {
  writeString(w, KEY_VALUE.key, kv.key);
  open(w, KEY_VALUE.value);
  writeAnyValue(w, kv.value);
  w.ldelim();
}

export function writeKeyValues(w: Writer, field: number, kvs: readonly KeyValue[]): void {
  for (const kv of kvs) {
    const wire = (kv as Wired)[WIRE];
    if (wire !== undefined) {
      writeEncoded(w, field, wire);
      continue;
    }
    if (writeShortKeyValue(w, field, kv.key, kv.value)) continue;
    open(w, field);
    writeKeyValueFields(w, kv);
    w.ldelim();
  }
}

export function writeResource(w: Writer, field: number, r: Resource): void {
  open(w, field);
  writeKeyValues(w, RESOURCE.attributes, r.attributes);
  writeUint32(w, RESOURCE.droppedAttributesCount, r.droppedAttributesCount);
  for (const e of r.entityRefs ?? []) {
    open(w, RESOURCE.entityRefs);
    writeString(w, ENTITY_REF.schemaUrl, e.schemaUrl);
    writeString(w, ENTITY_REF.type, e.type);
    for (const k of e.idKeys) w.uint32((ENTITY_REF.idKeys << 3) | LEN).string(k);
    for (const k of e.descriptionKeys) w.uint32((ENTITY_REF.descriptionKeys << 3) | LEN).string(k);
    w.ldelim();
  }
  w.ldelim();
}

export function writeScope(w: Writer, field: number, s: InstrumentationScope): void {
  open(w, field);
  writeString(w, SCOPE.name, s.name);
  writeString(w, SCOPE.version, s.version);
  writeKeyValues(w, SCOPE.attributes, s.attributes);
  writeUint32(w, SCOPE.droppedAttributesCount, s.droppedAttributesCount);
  w.ldelim();
}

export function readAnyValue(r: Reader, tag: number, depth = 0): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw new Error(`AnyValue nested deeper than ${MAX_VALUE_DEPTH}`);
  const outer = enter(r, tag);
  // A oneof: the last member on the wire wins.
  let v: AnyValue = {};
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case ANY_VALUE.stringValue:
        v = { stringValue: readString(r, t) };
        break;
      case ANY_VALUE.boolValue:
        v = { boolValue: readBool(r, t) };
        break;
      case ANY_VALUE.intValue:
        v = { intValue: readInt64(r, t) };
        break;
      case ANY_VALUE.doubleValue:
        v = { doubleValue: readDouble(r, t) };
        break;
      case ANY_VALUE.arrayValue: {
        const values: AnyValue[] = [];
        const o = enter(r, t);
        while (r.pos < r.len) {
          const vt = readTag(r);
          if (vt >>> 3 === VALUES) values.push(readAnyValue(r, vt, depth + 1));
          else skipField(r, vt);
        }
        leave(r, o);
        v = { arrayValue: { values } };
        break;
      }
      case ANY_VALUE.kvlistValue: {
        const values: KeyValue[] = [];
        const o = enter(r, t);
        while (r.pos < r.len) {
          const vt = readTag(r);
          if (vt >>> 3 === VALUES) values.push(readKeyValue(r, vt, depth + 1));
          else skipField(r, vt);
        }
        leave(r, o);
        v = { kvlistValue: { values } };
        break;
      }
      case ANY_VALUE.bytesValue:
        v = { bytesValue: readBytes(r, t) };
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return v;
}

export function readKeyValue(r: Reader, tag: number, depth = 0): KeyValue {
  const outer = enter(r, tag);
  let key = '';
  let value: AnyValue = {};
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case KEY_VALUE.key:
        key = readString(r, t);
        break;
      case KEY_VALUE.value:
        value = readAnyValue(r, t, depth);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return { key, value };
}

function readEntityRef(r: Reader, tag: number): EntityRef {
  const outer = enter(r, tag);
  const e: EntityRef = { schemaUrl: '', type: '', idKeys: [], descriptionKeys: [] };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case ENTITY_REF.schemaUrl:
        e.schemaUrl = readString(r, t);
        break;
      case ENTITY_REF.type:
        e.type = readString(r, t);
        break;
      case ENTITY_REF.idKeys:
        e.idKeys.push(readString(r, t));
        break;
      case ENTITY_REF.descriptionKeys:
        e.descriptionKeys.push(readString(r, t));
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return e;
}

export function readResource(r: Reader, tag: number): Resource {
  const outer = enter(r, tag);
  const res: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case RESOURCE.attributes:
        res.attributes.push(readKeyValue(r, t));
        break;
      case RESOURCE.droppedAttributesCount:
        res.droppedAttributesCount = readUint32(r, t);
        break;
      case RESOURCE.entityRefs:
        (res.entityRefs ??= []).push(readEntityRef(r, t));
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return res;
}

export function readScope(r: Reader, tag: number): InstrumentationScope {
  const outer = enter(r, tag);
  const s: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < r.len) {
    const t = readTag(r);
    switch (t >>> 3) {
      case SCOPE.name:
        s.name = readString(r, t);
        break;
      case SCOPE.version:
        s.version = readString(r, t);
        break;
      case SCOPE.attributes:
        s.attributes.push(readKeyValue(r, t));
        break;
      case SCOPE.droppedAttributesCount:
        s.droppedAttributesCount = readUint32(r, t);
        break;
      default:
        skipField(r, t);
    }
  }
  leave(r, outer);
  return s;
}
