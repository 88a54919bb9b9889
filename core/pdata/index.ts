export * from './common.ts';
export * from './traces.ts';
export * from './metrics.ts';
export * from './logs.ts';
export * from './messages.ts';
export * from './signals.ts';
export * from './encoded.ts';
export * from './value-json.ts';
