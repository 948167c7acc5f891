import type * as A from '../../grammar/ast.js';
import type { ExpansionFrame } from '../diagnostics/diagnostic.js';
import { formatShape, shapesCompatible, type Shape } from '../ir/shape.js';
import { suggest } from '../util/did-you-mean.js';
import { takeName, takeShares, type Arg, type Args } from './args.js';
import type { Evaluator } from './evaluator.js';
import type { DefinitionRef, Frame } from './frame.js';
import { NameScope } from './graph-builder.js';
import { LimitError, LowerError } from './lower-error.js';
import { blockSharing } from './sharing.js';
import { formatValue, list, POISON, typeName, type Value } from '../value.js';

export function shapeOf(t: A.ShapeType): Shape {
  return t.dims.map((d) => (d.kind === 'DimSize' ? d.value : d.kind === 'DimName' ? d.name : null));
}

export function signature(def: A.Definition): string {
  const params = def.params.map(
    (p) =>
      p.name.name +
      (p.shape ? `: ${formatShape(shapeOf(p.shape))}` : '') +
      (p.default ? ' = …' : ''),
  );
  return `${def.name.name}(${params.join(', ')})`;
}

/** Match call arguments to the block's parameters: positional in order, then by name. */
/**
 * The checks of a block call that do not depend on argument values (unknown, missing and
 * repeated arguments, the instance name), for a call whose arguments already failed.
 */
export function checkBlockArgs(ref: DefinitionRef, call: A.CallExpression, args: Args): Value {
  takeName(args);
  takeShares(args);
  bindArgs(ref, call, args);
  return POISON;
}

function bindArgs(ref: DefinitionRef, call: A.CallExpression, args: Args): Map<string, Arg> {
  const def = ref.def;
  const names = def.params.map((p) => p.name.name);
  const bound = new Map<string, Arg>();
  if (args.positional.length > names.length) {
    const extra = args.positional[names.length];
    throw new LowerError(
      'E1005',
      `${def.name.name} takes ${names.length} argument${names.length === 1 ? '' : 's'}, found ${args.positional.length}`,
      extra.loc,
      [{ message: `signature: ${signature(def)}` }],
    );
  }
  args.positional.forEach((a, i) => bound.set(names[i], a));
  for (const [k, a] of args.named) {
    if (!names.includes(k)) {
      const hint = suggest(k, names);
      throw new LowerError(
        'E1003',
        `${def.name.name} has no parameter '${k}'${hint ? `; did you mean '${hint}'?` : ''}`,
        a.name?.loc ?? a.loc,
        [{ message: `signature: ${signature(def)}` }],
      );
    }
    if (bound.has(k))
      throw new LowerError(
        'E1006',
        `argument '${k}' of ${def.name.name} is given twice (positionally and by name)`,
        a.name?.loc ?? a.loc,
      );
    bound.set(k, a);
  }
  const missing = def.params.find((p) => !bound.has(p.name.name) && !p.default);
  if (missing) {
    throw new LowerError(
      'E1004',
      `${def.name.name} is missing its required argument '${missing.name.name}'`,
      call.loc,
      [{ message: `signature: ${signature(def)}` }],
    );
  }
  return bound;
}

/** `grouped_bottleneck(filters=256, stride=2)`: the scalar arguments the caller wrote. */
function describeCall(def: A.Definition, bound: Map<string, Arg>): string {
  const shown = def.params
    .filter((p) => bound.has(p.name.name) && bound.get(p.name.name)!.value.kind !== 'tensor')
    .map((p) => `${p.name.name}=${formatValue(bound.get(p.name.name)!.value)}`);
  return `${def.name.name}(${shown.join(', ')})`;
}

function checkShapedParam(p: A.Param, v: Value, loc: A.Loc): void {
  if (!p.shape) return;
  const want = shapeOf(p.shape);
  if (v.kind !== 'tensor')
    throw new LowerError(
      'E2001',
      `'${p.name.name}' expects a tensor ${formatShape(want)}, found ${typeName(v)}`,
      loc,
    );
  if (!shapesCompatible(v.shape, want)) {
    throw new LowerError(
      'E3001',
      `'${p.name.name}' expects a tensor ${formatShape(want)}, found ${formatShape(v.shape)}`,
      loc,
    );
  }
}

/** Expand one call of a user block: a new frame whose nodes are named under the instance. */
export function expandBlock(
  ev: Evaluator,
  ref: DefinitionRef,
  call: A.CallExpression,
  args: Args,
): Value {
  const def = ref.def;
  const chain = ev.frames.map((f) => f.ref.def.name.name);
  if (chain.includes(def.name.name)) {
    const cycle = [...chain.slice(chain.indexOf(def.name.name)), def.name.name].join(' → ');
    throw new LowerError(
      'E4001',
      `block '${def.name.name}' calls itself (${cycle}); recursion is not allowed`,
      call.callee.loc,
    );
  }
  if (ev.frames.length >= ev.world.limits.callDepth) {
    throw new LimitError(
      'E4002',
      `block expansions nested more than ${ev.world.limits.callDepth} deep (limit: call depth)`,
      call.loc,
    );
  }
  const instance = takeName(args);
  const shares = takeShares(args);
  const bound = bindArgs(ref, call, args);
  const caller = ev.frame;
  const callText = describeCall(def, bound);
  const loops = caller.loops.map((l) => `${l.name}=${formatValue(l.value)}`).join(', ');
  const frameInfo: ExpansionFrame = { call: callText, span: ev.spanOf(call.loc), loops };
  let local: string;
  if (instance) {
    if (!caller.names.claim(instance.name))
      throw new LowerError(
        'E1007',
        `layer name '${instance.name}' is already used in this block`,
        instance.loc,
      );
    local = instance.name;
  } else local = caller.names.next(def.name.name);
  const sharing = shares ? blockSharing(ev, caller, def.name.name, local, shares) : caller.sharing;
  for (const p of def.params) {
    const arg = bound.get(p.name.name);
    if (arg) checkShapedParam(p, arg.value, arg.loc);
  }
  const frame: Frame = {
    ref,
    vars: new Map(),
    scope: [...caller.scope, { name: local, block: def.name.name, call: callText }],
    names: new NameScope(),
    loops: [],
    expansion: [frameInfo, ...caller.expansion],
    ...(sharing ? { sharing } : {}),
  };
  ev.frames.push(frame);
  try {
    for (const p of def.params) {
      const arg = bound.get(p.name.name);
      frame.vars.set(p.name.name, arg ? arg.value : ev.eval(p.default!));
    }
    const returned = ev.execBody(def.body);
    if (!returned) {
      ev.report('error', 'E4003', `block '${def.name.name}' ends without 'return'`, def.name.loc);
      return POISON;
    }
    return returned.values.length === 1 ? returned.values[0] : list(returned.values);
  } catch (e) {
    if (e instanceof LowerError && !(e instanceof LimitError)) {
      ev.report('error', e.code, e.message, e.loc, e.notes, e.help);
      return POISON;
    }
    if (e instanceof LimitError && !e.reported) {
      ev.report('error', e.code, e.message, e.loc, e.notes);
      e.reported = true;
    }
    throw e;
  } finally {
    ev.frames.pop();
  }
}
