import { runCheck, checkHelp } from './commands/check.js';
import { runSummary, summaryHelp } from './commands/summary.js';
import { runFmt, fmtHelp } from './commands/fmt.js';
import { runDemo } from './commands/demo.js';
import { processOutput, UsageError, type Output } from './io.js';

const usage = `netc — a compiler for .net neural-network architecture files

usage: netc <command> [options]

commands:
  check FILE...      shape-check files and report every error (exit 0 / 1 / 2)
  summary FILE       layer table with params, MACs and memory (--json, --depth N)
  fmt FILE...        format files in place (--check: only report)
  demo               check every sample and summarise samples/resnext50.net

Run 'netc <command> --help' for a command's options.`;

type Command = { run: (argv: string[], io: Output) => number | Promise<number>; help: string };

const commands: Record<string, Command> = {
  check: { run: runCheck, help: checkHelp },
  summary: { run: runSummary, help: summaryHelp },
  fmt: { run: runFmt, help: fmtHelp },
  demo: { run: runDemo, help: 'usage: netc demo' },
};

/** Run the CLI; returns the exit status. Never throws for bad input. */
export async function main(argv: string[], io: Output = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`netc: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`netc: ${(e as Error).message}\n\n${command.help}`);
      return 2;
    }
    const detail =
      e instanceof Error
        ? process.env.NETC_DEBUG
          ? (e.stack ?? e.message)
          : e.message
        : String(e);
    io.err(
      `netc: internal compiler error: ${detail}\nPlease report it with the input that caused it (NETC_DEBUG=1 shows the stack).`,
    );
    return 70;
  }
}
