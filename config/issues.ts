// Config problems carry the path inside the merged config and, when known, where the user wrote it, so a message
// can point an editor at the exact line.

/** 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface LocatedIssue {
  path: (string | number)[];
  message: string;
  location?: SourceLocation;
}

/** `exporters::otlp::endpoint`: the Collector's separator, so paths read the same as in its docs. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map(String).join('::');
}

/** `file:line:col: path: message`, leaving out the parts that are unknown. */
export function formatIssue(i: LocatedIssue): string {
  const where = i.location ? `${i.location.file}:${i.location.line}:${i.location.column}: ` : '';
  const path = i.path.length > 0 ? `${formatPath(i.path)}: ` : '';
  return `${where}${path}${i.message}`;
}

/** Thrown when a config cannot be used; every problem is reported at once so a user fixes them in one go. */
export class ConfigError extends Error {
  readonly issues: LocatedIssue[];

  constructor(issues: LocatedIssue[]) {
    super(issues.length > 0 ? issues.map(formatIssue).join('\n') : 'invalid configuration');
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
