/**
 * A problem with the user's data (missing, corrupt, unreachable) rather than a bug: its message is
 * one line meant for the user, so a command line can print it without a stack trace. Text from the data
 * itself (a zip entry's name, a language) may hold control characters, a newline among them: they are
 * shown escaped (\n, \u0007), so the message stays one line and cannot move the cursor.
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(message: string) {
    super(oneLine(message));
  }
}

/** Control characters as escapes: '\n', '\t', '\r', else '\u00XX'. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
