import { runCheck, checkHelp } from './commands/check.js';
import { runSummary, summaryHelp } from './commands/summary.js';
import { runFmt, fmtHelp } from './commands/fmt.js';
import { runCompile, compileHelp } from './commands/compile.js';
import { runDemo } from './commands/demo.js';
import {
  initHelp,
  parseInitArgs,
  parseRunArgs,
  parseTrainArgs,
  runHelp,
  trainHelp,
} from './commands/model-args.js';
import { DataError, FileError, processOutput, UsageError, type Output } from './io.js';

const usage = `netc — a compiler for .net neural-network architecture files

usage: netc <command> [options]

commands:
  check FILE...      shape-check files and report every error (exit 0 / 1 / 2)
  summary FILE       layer table with params, MACs and memory (--json, --depth N)
  fmt FILE...        format files in place (--check: only report)
  compile FILE...    standalone TypeScript module per model (-o OUT.ts, --model, --check)
  run FILE           inference with TensorFlow.js on .npy inputs (--input, --output, --weights)
  train FILE         train with TensorFlow.js on .npy data (--x, --y, --epochs, --save)
  init FILE          save freshly initialised weights (--seed N --save PATH)
  demo               check every sample, summarise samples/resnext50.net, time one inference

Run 'netc <command> --help' for a command's options.`;

type Command = { run: (argv: string[], io: Output) => number | Promise<number>; help: string };

const commands: Record<string, Command> = {
  check: { run: runCheck, help: checkHelp },
  summary: { run: runSummary, help: summaryHelp },
  fmt: { run: runFmt, help: fmtHelp },
  compile: { run: runCompile, help: compileHelp },
  // run, train and init load TensorFlow.js (~0.5 s): their options are parsed here, then the
  // command's module is imported on demand, so that the other commands start without tfjs.
  run: {
    run: async (argv, io) => {
      const options = parseRunArgs(argv);
      return (await import('./commands/run.js')).execRun(options, io);
    },
    help: runHelp,
  },
  train: {
    run: async (argv, io) => {
      const options = parseTrainArgs(argv);
      return (await import('./commands/train.js')).execTrain(options, io);
    },
    help: trainHelp,
  },
  init: {
    run: async (argv, io) => {
      const options = parseInitArgs(argv);
      return (await import('./commands/init.js')).execInit(options, io);
    },
    help: initHelp,
  },
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
    if (e instanceof FileError) {
      io.err(`netc: ${e.message}`);
      return 2;
    }
    if (e instanceof DataError) {
      io.err(`netc: ${e.message}`);
      return 1;
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
