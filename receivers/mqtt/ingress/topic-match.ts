// Whether a topic matches one of the receiver's `topics` filters (MQTT 5 section 4.7): the embedded server stands
// in for the subscription the receiver used to make to its own broker.

function matches(filter: string[], topic: string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i];
    if (f === '#') return true;
    const t = topic[i];
    if (t === undefined) return false;
    if (f !== '+' && f !== t) return false;
  }
  return filter.length === topic.length;
}

/** A matcher for `filters`. Wildcards at the first level do not match `$...` topics, as a broker's would not. */
export function topicMatcher(filters: readonly string[]): (topic: string) => boolean {
  const split = filters.map((f) => f.split('/'));
  return (topic) => {
    const levels = topic.split('/');
    const dollar = topic.startsWith('$');
    return split.some((f) => !(dollar && (f[0] === '#' || f[0] === '+')) && matches(f, levels));
  };
}
