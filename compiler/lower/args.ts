import type * as A from '../../grammar/ast.js';
import { LowerError } from './lower-error.js';
import { typeName, type Value } from '../value.js';

/** An evaluated argument with where it was written. */
export interface Arg {
  readonly value: Value;
  readonly loc: A.Loc;
  readonly name?: A.Identifier;
}

/** A call's arguments: positional first, then named (by name). */
export interface Args {
  readonly positional: Arg[];
  readonly named: Map<string, Arg>;
}

/** The `name:` argument of any call: a layer or block-instance name. */
export function takeName(args: Args): { name: string; loc: A.Loc } | undefined {
  return takeLayerName(args, 'name');
}

/** The `shares:` argument of any call: the name of the earlier call whose weights it uses. */
export function takeShares(args: Args): { name: string; loc: A.Loc } | undefined {
  return takeLayerName(args, 'shares');
}

function takeLayerName(args: Args, key: string): { name: string; loc: A.Loc } | undefined {
  const arg = args.named.get(key);
  if (!arg) return undefined;
  args.named.delete(key);
  const v = arg.value;
  if (v.kind !== 'string')
    throw new LowerError('E2001', `'${key}' must be a string, found ${typeName(v)}`, arg.loc);
  if (v.value === '' || v.value.includes('.')) {
    throw new LowerError(
      'E2002',
      `invalid layer name ${JSON.stringify(v.value)}: names must be non-empty and cannot contain '.'`,
      arg.loc,
    );
  }
  return { name: v.value, loc: arg.loc };
}
