// The time converters: Time (parse), Now, UnixNano.
import { nowUnixNano } from '../../core/pdata/index.ts';
import { OttlRuntimeError } from '../errors.ts';
import { OTime } from '../values.ts';
import { needString, needTime } from './coerce.ts';
import { checkZone, compileFormat, parseTime } from './strptime.ts';
import type { CompiledFormat } from './strptime.ts';
import type { FunctionDef } from './types.ts';

export const timeConverters: FunctionDef[] = [
  {
    name: 'Time',
    kind: 'converter',
    params: [
      { name: 'time', type: 'getter' },
      { name: 'format', type: 'string' },
      { name: 'location', type: 'string', optional: true },
      { name: 'locale', type: 'string', optional: true },
    ],
    build: (a) => {
      const time = a.getter(0);
      const format = a.string(1) ?? '';
      if (format === '') a.fail(1, 'format cannot be empty');
      let fmt: CompiledFormat | undefined;
      try {
        fmt = compileFormat(format);
      } catch (err) {
        a.fail(1, (err as Error).message);
      }
      // "" is no location, as in the Collector's examples (Time(x, f, "", "it")).
      const zone = a.string(2) || undefined;
      const locale = a.string(3);
      // Month and day names are read in English only; another locale is refused rather than misread.
      if (locale !== undefined && locale !== '' && !/^en(-|$)/i.test(locale))
        a.fail(3, `locale "${locale}" is not supported (English month and day names only)`);
      if (zone !== undefined) {
        try {
          checkZone(zone);
        } catch {
          a.fail(2, `unknown time zone "${zone}"`);
        }
      }
      const compiled = fmt as CompiledFormat;
      return (ctx) => {
        const s = needString('Time', time(ctx));
        const ns = parseTime(s, compiled, zone);
        if (ns === undefined) throw new OttlRuntimeError(`Time: "${s}" does not match the format "${format}"`);
        return new OTime(ns);
      };
    },
  },
  {
    name: 'Now',
    kind: 'converter',
    params: [],
    build: () => () => new OTime(nowUnixNano()),
  },
  {
    name: 'UnixNano',
    kind: 'converter',
    params: [{ name: 'time', type: 'getter' }],
    build: (a) => {
      const time = a.getter(0);
      return (ctx) => needTime('UnixNano', time(ctx)).ns;
    },
  },
];
