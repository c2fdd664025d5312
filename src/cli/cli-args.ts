import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs for people at a terminal: `--help` prints the usage and exits 0; an unknown flag, a
 * missing value or a stray argument prints the problem and the usage on stderr and exits 2 (the
 * convention of command-line tools for usage errors), never a stack trace.
 */
export function parseCliArgs<O extends Options>(options: O, usage: string, args: string[] = process.argv.slice(2)) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return parsed.values as ReturnType<typeof parseArgs<{ options: O }>>['values'];
}

/** A usage error found after parsing (a flag's value is wrong): the message, then exit 2. */
export function usageError(message: string, usage: string): never {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(2);
}
