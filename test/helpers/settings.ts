// CreateSettings for tests (a memory logger, a private Telemetry, and a status log) and the Host a component starts
// with.
import type { CreateSettings, Extension, Host, Kind, ProcessorCreateSettings } from '../../core/component.ts';
import { memoryLogger } from '../../core/logger.ts';
import type { PipelineType } from '../../core/pdata/index.ts';
import { StatusBoard } from '../../core/status.ts';
import type { ComponentStatus } from '../../core/status.ts';
import { Telemetry } from '../../core/telemetry.ts';

export interface TestSettings extends CreateSettings {
  readonly logger: ReturnType<typeof memoryLogger>;
  readonly statuses: ComponentStatus[];
}

export function testSettings(id: string, kind: Kind, telemetry = new Telemetry()): TestSettings {
  const statuses: ComponentStatus[] = [];
  return {
    id,
    kind,
    logger: memoryLogger('debug'),
    telemetry,
    statuses,
    reportStatus: (s) => void statuses.push(s),
  };
}

export function testProcessorSettings(
  id: string,
  pipelineType: PipelineType,
  telemetry = new Telemetry(),
): TestSettings & ProcessorCreateSettings {
  return { ...testSettings(id, 'processor', telemetry), pipelineId: pipelineType, pipelineType };
}

export function hostWith(extensions: Record<string, Extension> = {}): Host {
  return { getExtension: (id) => extensions[id], status: new StatusBoard() };
}
