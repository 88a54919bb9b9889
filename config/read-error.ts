// Why a file could not be read, in words: the same for config files, `file:` config URIs and `${file:...}` values.
const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

export function readError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  return READ_ERRORS[code] ?? (err instanceof Error ? err.message : String(err));
}
