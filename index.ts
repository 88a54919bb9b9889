// The library surface for writing components: `import { defineProcessor, ... } from 'otelhub'`.
export * from './core/pdata/index.ts';
export * from './core/component.ts';
export * from './core/consumer.ts';
export * from './core/errors.ts';
export { fanout } from './core/fanout.ts';
export type { Logger, LogFields, LogLevel } from './core/logger.ts';
export { createLogger, memoryLogger, nopLogger } from './core/logger.ts';
export { Telemetry } from './core/telemetry.ts';
export { DropReporter } from './core/drop-reporter.ts';
export type { ComponentStatus } from './core/status.ts';
export { Registry } from './core/registry.ts';
