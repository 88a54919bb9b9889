// What every receiver with a listener reports the same way, so operators find one metric whatever the protocol:
// refused credentials, and clients cut off at a limit. Both are counted with a reason label and logged at warn,
// rate-limited (an attacker or a broken client must not flood the log); neither ever logs a credential.
import type { CreateSettings } from './component.ts';
import { DropReporter } from './drop-reporter.ts';

export const AUTH_REFUSED_METRIC = 'otelhub_receiver_auth_refused_total';
export const LIMIT_HITS_METRIC = 'otelhub_receiver_limit_hits_total';

type Settings = Pick<CreateSettings, 'id' | 'logger' | 'telemetry'>;

function reporter(s: Settings, transport: string, metric: string, help: string, message: string, intervalMs?: number) {
  const counter = s.telemetry.counter({ name: metric, help, labelNames: ['receiver', 'transport', 'reason'] });
  return new DropReporter(s.logger, { counter, labels: { receiver: s.id, transport }, message, intervalMs });
}

/** Reasons: missing (no credentials), invalid (wrong ones), error (the authenticator failed), or the protocol's own. */
export function authRefusalReporter(s: Settings, transport: string, intervalMs?: number): DropReporter {
  return reporter(
    s,
    transport,
    AUTH_REFUSED_METRIC,
    'Requests and connections refused for their credentials, by reason: missing (none presented), invalid (wrong), error (the authenticator failed).',
    'refused a client for its credentials',
    intervalMs,
  );
}

/** Reasons: the config key of the limit (read_header_timeout, max_connections, connect_timeout, ...). */
export function limitHitReporter(s: Settings, transport: string, intervalMs?: number): DropReporter {
  return reporter(
    s,
    transport,
    LIMIT_HITS_METRIC,
    'Clients cut off by a limit of the receiver, by reason: the config key of the limit.',
    'cut a client off at a limit (reason: the config key; raise it if legitimate clients are cut off)',
    intervalMs,
  );
}
