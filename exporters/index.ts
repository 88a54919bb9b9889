// The built-in exporters. A new exporter is added here once its folder exists.
import type { Factory } from '../core/component.ts';
import { azureBlobFactory } from './azure_blob/factory.ts';
import { debugFactory } from './debug/factory.ts';
import { otlpFactory } from './otlp_grpc/factory.ts';
import { otlpHttpFactory } from './otlp_http/factory.ts';
import { prometheusRemoteWriteFactory } from './prometheus_remote_write/factory.ts';

export const exporters: Factory[] = [
  debugFactory,
  otlpFactory,
  otlpHttpFactory,
  prometheusRemoteWriteFactory,
  azureBlobFactory,
];
