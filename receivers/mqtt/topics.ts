// MQTT topic rules (MQTT 5 section 4.7) checked at config load, so a bad filter is refused with its path instead
// of the broker closing the connection on SUBSCRIBE, and the heartbeat topic derived from the first filter.

/** Why `filter` is not a valid subscription filter for this receiver, or undefined. */
export function topicFilterIssue(filter: string): string | undefined {
  if (filter.includes('\u0000')) return 'a topic filter cannot contain NUL';
  if (filter.startsWith('$share/')) return 'give the group as shared_group and the plain filter here';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1))
      return '"#" must be a whole level and the last one';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level';
  }
  return undefined;
}

/** Why `topic` cannot be published to, or undefined. */
export function topicNameIssue(topic: string): string | undefined {
  if (topic.includes('\u0000')) return 'a topic cannot contain NUL';
  if (/[+#]/.test(topic)) return 'a topic to publish to cannot contain wildcards';
  return undefined;
}

/**
 * `<base>/heartbeat`, where base is the filter up to its first wildcard level with the trailing slash removed:
 * `telemetry/#` and `telemetry/+/temp` give `telemetry/heartbeat` (what the Rust trace exporter publishes to for
 * its default `telemetry/#`, so monitors of its replicas keep working); `#` gives `heartbeat`.
 */
export function heartbeatTopicFor(filter: string): string {
  const levels = filter.split('/');
  const firstWildcard = levels.findIndex((l) => l === '+' || l === '#');
  const base = (firstWildcard < 0 ? levels : levels.slice(0, firstWildcard)).join('/').replace(/\/+$/, '');
  return base === '' ? 'heartbeat' : `${base}/heartbeat`;
}
