// Errors of the OTTL language: where in the statement (1-based column) and what was expected. Parse and compile
// errors carry the statement so a config error can quote it; runtime errors carry only the message.

export class OttlError extends Error {
  constructor(
    /** What went wrong, without the position. */
    readonly detail: string,
    /** 1-based column in the statement; 0 when the error is not about one place. */
    readonly col: number,
    readonly statement: string,
  ) {
    super(col > 0 ? `col ${col}: ${detail}` : detail);
    this.name = 'OttlError';
  }
}

/** A failure while evaluating a statement on data (a wrong type at run time, a bad regex input). */
export class OttlRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OttlRuntimeError';
  }
}
