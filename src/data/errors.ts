/**
 * A problem with the user's data (missing, corrupt, unreachable) rather than a bug: its message is
 * one line meant for the user, so a command line can print it without a stack trace.
 */
export class DataError extends Error {
  override name = 'DataError';
}
