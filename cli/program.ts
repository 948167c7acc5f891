/**
 * The `netc` program: one commander `Command` per table in cli/commands/tables.ts, whose help
 * (the top-level usage too) commander writes from the tables. Commands that load TensorFlow.js
 * import it in their `run`, so `netc check` starts without it.
 */
import { Command, type Help, type Option } from 'commander';
import type { Output } from './io.js';
import { checkCommand } from './commands/check.js';
import { compileCommand } from './commands/compile.js';
import { demoCommand } from './commands/demo.js';
import { fmtCommand } from './commands/fmt.js';
import { summaryCommand } from './commands/summary.js';
import { evalCommand, initCommand, runCommand, trainCommand } from './commands/model-args.js';
import { weightsCommand } from './commands/weights-convert.js';
import { netcVersion } from './version.js';
import { withImportRoots } from './import-roots.js';
import { configureCommand, readImportRoots, readOptions, type CommandTable } from './table.js';

/** `FILE` / `FILE...`: the operands as the usage lines write them. */
function operands(cmd: Command): string {
  return cmd.registeredArguments
    .map((a) => {
      const name = `${a.name()}${a.variadic ? '...' : ''}`;
      return a.required ? name : `[${name}]`;
    })
    .join(' ');
}

const helpConfig: Partial<Help> = {
  // netc's style: lower-case titles, `--seed N` rather than `--seed <N>`.
  styleTitle: (title: string) => title.toLowerCase(),
  optionTerm: (option: Option) => option.flags.replace(/<([^>]*)>/g, '$1'),
  subcommandTerm: (cmd: Command) => `${cmd.name()} ${operands(cmd)}`.trimEnd(),
  sortSubcommands: false,
};

/** A command's usage line and where to read more: the hint after a usage error. */
export function usageHint(cmd: Command): string {
  const name = cmd.parent ? `netc ${cmd.name()}` : 'netc';
  return `usage: ${name} ${cmd.usage()}; run '${name} --help' for more`;
}

/**
 * The program, writing help to `io`. `done(status)` receives the exit status of the command
 * that ran; `active(cmd)` the command being parsed (for the hint after a usage error).
 */
export function buildProgram(
  io: Output,
  done: (status: number) => void,
  active: (cmd: Command) => void,
): Command {
  const program = new Command('netc')
    .usage('<command> [options]')
    .description('netc — a compiler for .net neural-network architecture files')
    .version(netcVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', "show a command's help")
    .configureHelp(helpConfig)
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      outputError: () => {}, // main prints errors, in one line with a hint
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText('after', "\nRun 'netc <command> --help' for a command's options.");
  program.hook('preSubcommand', (_program, sub) => active(sub));
  const add = <V, O>(table: CommandTable<V, O>) => attachCommand(program, table, io, done);
  add(checkCommand);
  add(summaryCommand);
  add(fmtCommand);
  add(compileCommand);
  add(runCommand);
  add(trainCommand);
  add(evalCommand);
  add(initCommand);
  add(weightsCommand);
  add(demoCommand);
  return program;
}

/** Adds `table` as a subcommand of `program`. */
function attachCommand<V, O>(
  program: Command,
  table: CommandTable<V, O>,
  io: Output,
  done: (status: number) => void,
): void {
  const cmd = configureCommand(program.command(table.name), table);
  cmd.action(async () => {
    const options = readOptions(table, cmd);
    const roots = readImportRoots(table, cmd);
    done(await withImportRoots(roots, async () => table.run(options, io)));
  });
}
