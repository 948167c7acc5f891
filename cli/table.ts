/**
 * Declarative command tables on commander: a command is its name, help texts, FILE operands,
 * an option table, a `finish` step (cross-option checks, derived defaults) and `run`.
 *
 * The option table is a function of an `OptionTable` that is called twice: first to declare
 * the options on the commander `Command` (choices, defaults, conflicts, typed parsers, help),
 * then after parsing to read their values, typed by the builder method that declared each one,
 * so that no parsed value is ever cast.
 */
import { Command, Option } from 'commander';
import { ALLOW_IMPORTS_FLAGS, ALLOW_IMPORTS_HELP, parseImportRoot } from './import-roots.js';
import { UsageError, type Output } from './io.js';

/** One command of `netc`. `V`: the option values; `O`: what `run` takes. */
export interface CommandTable<V, O> {
  readonly name: string;
  /** One line for `netc --help`. */
  readonly summary: string;
  /** What follows `netc NAME` in the usage line: `FILE... [options]`. */
  readonly usage: string;
  /** `one`: exactly one FILE; `many`: one or more. */
  readonly files: 'one' | 'many' | 'none';
  /**
   * Whether FILE's imports are followed (default: when it takes FILEs); such a command takes
   * `--allow-imports DIR` (cli/import-roots.ts). `netc fmt` follows none.
   */
  readonly imports?: boolean;
  /** Paragraphs before the options in `netc NAME --help`. */
  readonly description: string;
  /** Text after the options (file formats, exit status). */
  readonly epilog?: string;
  readonly options: (o: OptionTable) => V;
  /** The command's options from the values and the FILE operands; throws `UsageError`. */
  readonly finish: (values: V, files: readonly string[]) => O;
  readonly run: (options: O, io: Output) => number | Promise<number>;
}

/** Identity, for type inference of a table's `V` and `O`. */
export function defineCommand<V, O>(table: CommandTable<V, O>): CommandTable<V, O> {
  return table;
}

interface Extra {
  /** Long names (without `--`) of options this one cannot go with. */
  readonly conflicts?: string | readonly string[];
}
interface IntRange extends Extra {
  readonly min: number;
  readonly max?: number;
}

/** `--flag` of an option's flags (`--seed <N>` -> `--seed`). */
const longFlag = (flags: string): string => new Option(flags).long ?? flags;

/** The value of an option whose value looks like another option: `--seed --input x.npy`. */
function noOptionValue(flags: string, text: string): void {
  if (/^--?[A-Za-z]/.test(text)) {
    const flag = longFlag(flags);
    throw new UsageError(
      `${flag} needs a value, found the option '${text}' (write ${flag}=VALUE for a value that starts with '-')`,
    );
  }
}

/** A whole number in [min, max], written as digits. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const n = /^\+?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`${flag} must be ${range}, found '${text}'`);
  }
  return n;
}

/** A finite decimal number accepted by `ok` (described by `what`). */
export function parseNumber(
  flag: string,
  text: string,
  ok: (n: number) => boolean,
  what: string,
): number {
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(n) || !ok(n))
    throw new UsageError(`${flag} must be ${what}, found '${text}'`);
  return n;
}

/** One of `choices`. */
export function parseChoice<T extends string>(
  flag: string,
  text: string,
  choices: readonly T[],
): T {
  const found = choices.find((c) => c === text);
  if (found === undefined)
    throw new UsageError(`${flag} must be one of ${choices.join(', ')}, found '${text}'`);
  return found;
}

/**
 * Declares options (first call of a table) or reads their values (second call). Every method
 * returns the option's value, typed; while declaring, a placeholder of that type.
 */
export class OptionTable {
  private readonly seen = new Set<string>();

  constructor(
    private readonly cmd: Command,
    private readonly reading: boolean,
  ) {}

  /** Adds the option (declaring) or returns its stored value (reading). */
  private value(option: Option, extra: Extra = {}, repeatable = false): unknown {
    if (this.reading) return this.cmd.getOptionValue(option.attributeName());
    if (extra.conflicts !== undefined) option.conflicts([extra.conflicts].flat());
    this.cmd.addOption(option);
    if (!repeatable) {
      // commander keeps the last of repeated options; netc refuses them.
      this.cmd.on(`option:${option.name()}`, () => {
        if (this.seen.has(option.name())) {
          throw new UsageError(`${option.long ?? option.name()} is given more than once`);
        }
        this.seen.add(option.name());
      });
    }
    return undefined;
  }

  /** A string (non-empty); `required`: the option must be given. */
  string(flags: string, help: string, extra: Extra & { required: true }): string;
  string(flags: string, help: string, extra?: Extra): string | undefined;
  string(flags: string, help: string, extra: Extra & { required?: true } = {}): string | undefined {
    const option = new Option(flags, help).argParser((text: string) => {
      noOptionValue(flags, text);
      if (text === '') throw new UsageError(`${longFlag(flags)} needs a non-empty value`);
      return text;
    });
    if (extra.required) option.makeOptionMandatory();
    const v = this.value(option, extra);
    return typeof v === 'string' ? v : extra.required ? '' : undefined;
  }

  /** An integer in [min, max]; with `default`, never undefined. */
  int(flags: string, help: string, range: IntRange & { default: number }): number;
  int(flags: string, help: string, range: IntRange & { required: true }): number;
  int(flags: string, help: string, range: IntRange): number | undefined;
  int(
    flags: string,
    help: string,
    range: IntRange & { default?: number; required?: true },
  ): number | undefined {
    const max = range.max ?? Number.MAX_SAFE_INTEGER;
    const option = new Option(flags, help).argParser((text: string) => {
      noOptionValue(flags, text);
      return parseInteger(longFlag(flags), text, range.min, max);
    });
    if (range.default !== undefined) option.default(range.default);
    if (range.required) option.makeOptionMandatory();
    const v = this.value(option, range);
    return typeof v === 'number' ? v : (range.default ?? (range.required ? range.min : undefined));
  }

  /** A finite number accepted by `ok` (`what` says which: `a number in [0, 1)`). */
  number(
    flags: string,
    help: string,
    spec: Extra & { ok: (n: number) => boolean; what: string; default: number },
  ): number;
  number(
    flags: string,
    help: string,
    spec: Extra & { ok: (n: number) => boolean; what: string },
  ): number | undefined;
  number(
    flags: string,
    help: string,
    spec: Extra & { ok: (n: number) => boolean; what: string; default?: number },
  ): number | undefined {
    const option = new Option(flags, help).argParser((text: string) =>
      parseNumber(longFlag(flags), text, spec.ok, spec.what),
    );
    if (spec.default !== undefined) option.default(spec.default);
    const v = this.value(option, spec);
    return typeof v === 'number' ? v : spec.default;
  }

  /** One of `choices`, `def` when not given. */
  choice<T extends string>(
    flags: string,
    help: string,
    choices: readonly T[],
    def: T,
    extra?: Extra,
  ): T {
    const option = new Option(flags, help)
      .choices(choices)
      .default(def)
      .argParser((text: string) => parseChoice(longFlag(flags), text, choices));
    const v = this.value(option, extra);
    return choices.find((c) => c === v) ?? def;
  }

  /** A switch: `--check` (false unless given) or `--no-optimize` (true unless given). */
  flag(flags: string, help: string, extra?: Extra): boolean {
    const option = new Option(flags, help);
    const v = this.value(option, extra);
    return typeof v === 'boolean' ? v : option.negate;
  }

  /** A repeatable option, each value parsed by `parse`; `required`: at least one. */
  list<T>(
    flags: string,
    help: string,
    parse: (text: string) => T,
    extra: Extra & { required?: true } = {},
  ): T[] {
    const option = new Option(flags, help).argParser((text: string, previous: unknown) => {
      noOptionValue(flags, text);
      parse(text); // check it now, in command-line order
      return Array.isArray(previous) ? [...previous, text] : [text];
    });
    if (extra.required) option.makeOptionMandatory();
    const v = this.value(option, extra, true);
    const texts = Array.isArray(v) ? v.filter((t) => typeof t === 'string') : [];
    return texts.map(parse);
  }
}

/** Sets up `cmd` from the table: operands, usage, help, options. */
export function configureCommand<V, O>(cmd: Command, table: CommandTable<V, O>): Command {
  cmd
    .summary(table.summary)
    // One paragraph per blank-line-separated block: commander wraps them to the terminal.
    .description(table.description.replace(/(?<!\n)\n(?!\n)/g, ' '))
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false);
  if (table.files !== 'none') cmd.argument(table.files === 'one' ? '<FILE>' : '<FILE...>');
  cmd.usage(table.usage);
  if (table.epilog) cmd.addHelpText('after', `\n${table.epilog}`);
  table.options(new OptionTable(cmd, false));
  if (followsImports(table)) importRootsOption(new OptionTable(cmd, false));
  return cmd;
}

const followsImports = (table: Pick<CommandTable<never, never>, 'files' | 'imports'>): boolean =>
  table.files !== 'none' && table.imports !== false;

const importRootsOption = (o: OptionTable): string[] =>
  o.list(ALLOW_IMPORTS_FLAGS, ALLOW_IMPORTS_HELP, parseImportRoot);

/** The folders `--allow-imports` gave, after `cmd` parsed its arguments. */
export function readImportRoots<V, O>(table: CommandTable<V, O>, cmd: Command): string[] {
  return followsImports(table) ? importRootsOption(new OptionTable(cmd, true)) : [];
}

/** The table's options, after `cmd` parsed its arguments. */
export function readOptions<V, O>(table: CommandTable<V, O>, cmd: Command): O {
  return table.finish(table.options(new OptionTable(cmd, true)), cmd.args);
}

/**
 * Parses one command's arguments (`argv` after the command name) on its own, as `netc NAME
 * ...` would: for tests and tools. Throws commander's errors and `UsageError`.
 */
export function parseCommandLine<V, O>(table: CommandTable<V, O>, argv: readonly string[]): O {
  const cmd = configureCommand(new Command(table.name), table)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  cmd.parse([...argv], { from: 'user' });
  return readOptions(table, cmd);
}
