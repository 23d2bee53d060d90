/**
 * One error type for everything a user can cause. The `code` is data a caller can switch on; the message names the
 * thing (file, argument, tensor), what was expected, what was found, and the next step — on one line.
 */
export type TgrErrorCode =
  | 'bad_argument'
  | 'bad_file'
  | 'unknown_name'
  | 'unknown_op'
  | 'missing_grad_rule'
  | 'shape_mismatch'
  | 'bad_graph'
  | 'bad_model'
  | 'bad_fault_site'
  | 'bad_plan'
  | 'bad_data'
  | 'network'
  | 'engine';

export class TgrError extends Error {
  override readonly name = 'TgrError';
  constructor(
    readonly code: TgrErrorCode,
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}

/** Throws a TgrError with the given code when `cond` is false. */
export function check(
  cond: unknown,
  code: TgrErrorCode,
  message: () => string,
  fields?: Record<string, unknown>,
): asserts cond {
  if (!cond) throw new TgrError(code, message(), fields);
}

/** Internal invariant: a failure here is a bug in tgr, not in the user's input. */
export function invariant(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`tgr internal error: ${what} (please report this)`);
}

/** Lookup in a registry table; a miss lists what exists. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string, what: string): T {
  const hit = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  if (hit === undefined) {
    throw new TgrError('unknown_name', `unknown ${what} '${key}'; choose one of: ${Object.keys(table).join(', ')}`, {
      key,
      what,
    });
  }
  return hit;
}

/**
 * Checks that `name` is one plain file or folder name (no separator, not `.` or `..`), so a name from a flag or a
 * file can never point outside the folder it is joined to. `what` names the flag or field for the message.
 */
export function checkPlainName(name: string, what: string): string {
  check(
    name.trim() !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name),
    'bad_argument',
    () =>
      `${what} '${name}' is not a plain name (no '/', '\\', '.' or '..'): it names a folder inside another; pass a single name such as fp32-rd`,
  );
  return name;
}
