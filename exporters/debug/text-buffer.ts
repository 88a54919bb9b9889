// The building blocks of the Collector's detailed layout (its otlptext dataBuffer), shared by every signal.
import type { InstrumentationScope, KeyValue, Resource } from '../../core/pdata/index.ts';
import { typedValue } from './format-values.ts';

const ARROW = '     ->';

export class TextBuffer {
  private readonly lines: string[] = [];

  entry(line: string): void {
    this.lines.push(line);
  }

  /** `    Label          : value`, the padded form spans use. */
  field(label: string, value: string | number): void {
    this.entry(`    ${label.padEnd(15)}: ${value}`);
  }

  /** `     -> Label: value`, the form nested under a header. */
  sub(label: string, value: string | number, depth = 1): void {
    this.entry(`${indent(depth)} ${label}: ${value}`);
  }

  /** A header and one `-> key: Type(value)` line per attribute; nothing when there are none. */
  attributes(header: string, attrs: readonly KeyValue[], depth = 0): void {
    if (attrs.length === 0) return;
    this.entry(depth === 0 ? `${header}:` : `${indent(depth)} ${header}:`);
    for (const kv of attrs) this.entry(`${indent(depth + 1)} ${kv.key}: ${typedValue(kv.value)}`);
  }

  /** Lines that the Collector leaves out print only when they carry something. */
  nonZero(label: string, n: number, depth = 0): void {
    if (n === 0) return;
    if (depth === 0) this.entry(`${label}: ${n}`);
    else this.sub(label, n, depth);
  }

  resource(schemaUrl: string, resource: Resource): void {
    this.entry(`Resource SchemaURL: ${schemaUrl}`);
    this.attributes('Resource attributes', resource.attributes);
    this.nonZero('Resource DroppedAttributesCount', resource.droppedAttributesCount);
    const refs = resource.entityRefs ?? [];
    if (refs.length === 0) return;
    this.entry('Resource entity refs:');
    refs.forEach((ref, i) => {
      this.entry(`${ARROW} Entity ref #${i}:`);
      this.sub('Type', ref.type, 2);
      if (ref.schemaUrl !== '') this.sub('Schema URL', ref.schemaUrl, 2);
      this.keyList('ID keys', ref.idKeys);
      this.keyList('Description keys', ref.descriptionKeys);
    });
  }

  scope(kind: string, schemaUrl: string, scope: InstrumentationScope): void {
    this.entry(`${kind} SchemaURL: ${schemaUrl}`);
    this.entry(`InstrumentationScope ${scope.name} ${scope.version}`);
    this.attributes('InstrumentationScope attributes', scope.attributes);
    this.nonZero('InstrumentationScope DroppedAttributesCount', scope.droppedAttributesCount);
  }

  text(): string {
    return this.lines.join('\n');
  }

  private keyList(header: string, keys: readonly string[]): void {
    if (keys.length === 0) return;
    this.entry(`${indent(2)} ${header}:`);
    for (const k of keys) this.entry(`${indent(3)} ${k}`);
  }
}

function indent(depth: number): string {
  return '     '.repeat(depth - 1) + ARROW;
}
