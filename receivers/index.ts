// The built-in receivers. A new receiver is added here once its folder exists.
import type { Factory } from '../core/component.ts';
import { hostmetricsFactory } from './hostmetrics/factory.ts';
import { mqttReceiverFactory } from './mqtt/factory.ts';
import { otlpReceiverFactory } from './otlp/factory.ts';

export const receivers: Factory[] = [hostmetricsFactory, mqttReceiverFactory, otlpReceiverFactory];
