/**
 * `netc`: parses the command line with the program of cli/program.ts and maps every failure to
 * its exit status: 0 done, 1 errors in the input (diagnostics, data or weights that do not fit),
 * 2 a usage error (one line and a hint) or an I/O error (one line), 70 an internal error.
 */
import { CommanderError, type Command } from 'commander';
import { escapeLines, escapeText } from '../compiler/util/escape.js';
import { isOutOfMemory } from './errors.js';
import { DataError, FileError, processOutput, UsageError, type Output } from './io.js';
import { buildProgram, usageHint } from './program.js';

/** commander's message, without its `error: ` and with a suggestion on the same line. */
function commanderMessage(e: CommanderError, cmd: Command | undefined): string {
  const name = cmd ? `netc ${cmd.name()}` : 'netc';
  if (e.code === 'commander.missingArgument') {
    const many = cmd?.registeredArguments[0]?.variadic === true;
    return `${name} needs ${many ? 'at least one FILE' : 'a FILE'}`;
  }
  if (e.code === 'commander.excessArguments' && cmd) {
    return `${name} takes one FILE, found ${cmd.args.length}: ${cmd.args.join(' ')}`;
  }
  return e.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)$/, " (did you mean '$1'?)")
    .replace(/\n/g, ' ');
}

/** Run the CLI; returns the exit status. Never throws for bad input. */
export async function main(argv: string[], io: Output = processOutput): Promise<number> {
  let status = 0;
  let active: Command | undefined;
  const program = buildProgram(
    io,
    (s) => (status = s),
    (cmd) => (active = cmd),
  );
  if (argv.length === 0) {
    io.out(program.helpInformation().replace(/\n$/, ''));
    return 2;
  }
  const usage = (message: string) => {
    io.err(`netc: error: ${escapeText(message)}\n${usageHint(active ?? program)}`);
    return 2;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.failed?.() ?? status;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? (io.failed?.() ?? 0) : usage(commanderMessage(e, active));
    }
    if (e instanceof UsageError) return usage(e.message);
    if (e instanceof FileError) {
      io.err(`netc: ${escapeText(e.message)}`);
      return 2;
    }
    if (e instanceof DataError) {
      const details = e.details.map((d) => `\n  ${escapeText(d)}`).join('');
      io.err(`netc: ${escapeText(e.message)}${details}`);
      return 1;
    }
    if (isOutOfMemory(e)) {
      // Anywhere else (reading a huge input, say): still not a compiler bug.
      io.err(`netc: out of memory: ${escapeText((e as Error).message)}`);
      return 1;
    }
    const detail =
      e instanceof Error
        ? process.env.NETC_DEBUG
          ? (e.stack ?? e.message)
          : e.message
        : String(e);
    io.err(
      `netc: internal compiler error: ${escapeLines(detail)}\nPlease report it with the input that caused it (NETC_DEBUG=1 shows the stack).`,
    );
    return 70;
  }
}
