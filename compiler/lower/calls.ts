import type * as A from '../../grammar/ast.js';
import type { Note } from '../diagnostics/diagnostic.js';
import { formatShape, type Shape } from '../ir/shape.js';
import { OpError, type Attrs } from '../ops/op.js';
import { getOp, opNames } from '../ops/registry.js';
import { resolveAttrs } from '../ops/resolve-attrs.js';
import { describeSpan } from '../source.js';
import { suggest } from '../util/did-you-mean.js';
import { BuiltinError, builtins } from './builtins.js';
import { takeName, takeShares, type Arg, type Args } from './args.js';
import { checkBlockArgs, expandBlock } from './expand-block.js';
import type { Evaluator } from './evaluator.js';
import { LimitError, LowerError } from './lower-error.js';
import { splitFunctions, splitPlan } from './split.js';
import { weightOwner } from './sharing.js';
import { implicitMask } from './masks.js';
import { stateSlices } from './recurrent-states.js';
import { int, list, POISON, typeName, type Value } from '../value.js';

function evalArgs(ev: Evaluator, call: A.CallExpression, piped?: Arg): Args {
  const positional: Arg[] = piped ? [piped] : [];
  const named = new Map<string, Arg>();
  for (const a of call.args) {
    const arg: Arg = { value: ev.eval(a.value), loc: a.loc, ...(a.name ? { name: a.name } : {}) };
    if (!a.name) {
      if (named.size > 0)
        throw new LowerError('E2002', 'a positional argument cannot follow named arguments', a.loc);
      positional.push(arg);
    } else if (named.has(a.name.name)) {
      throw new LowerError('E1006', `argument '${a.name.name}' is given twice`, a.name.loc);
    } else named.set(a.name.name, arg);
  }
  return { positional, named };
}

/** A tensor, or a value that failed and may have been one. */
const isTensorLike = (v: Value | undefined): boolean =>
  v?.kind === 'tensor' || v?.kind === 'poison';

const hasPoison = (args: Args): boolean =>
  args.positional.some((a) => a.value.kind === 'poison') ||
  [...args.named.values()].some((a) => a.value.kind === 'poison');

/** `f(args)` or `x |> f(args)`: a builtin, a primitive op, or a block. */
export function evalCall(ev: Evaluator, call: A.CallExpression, piped?: Arg): Value {
  const args = evalArgs(ev, call, piped);
  // An argument that already failed (poison) silences what depends on its value, not the
  // rest: the callee must still exist and the arguments must still fit it.
  const name = call.callee.name;
  const builtin = builtins.get(name);
  if (builtin) return hasPoison(args) ? POISON : callBuiltin(ev, call, args, builtin);
  const op = name === 'input' ? undefined : getOp(name);
  if (op?.name === 'weight') return applyOp(ev, op.name, weightArgs(ev, args, call), call.loc);
  if (splitFunctions.has(name)) return evalSplit(ev, call, args);
  if (op) return applyOp(ev, op.name, args, call.loc);
  const ref = ev.world.definitions.get(name);
  if (ref)
    return hasPoison(args) ? checkBlockArgs(ref, call, args) : expandBlock(ev, ref, call, args);
  const candidates = [
    ...builtins.keys(),
    ...splitFunctions,
    ...opNames().filter((n) => n !== 'input'),
    ...ev.world.definitions.keys(),
  ];
  const hint = suggest(name, candidates);
  const notes = hint
    ? [{ message: `did you mean '${hint}'?` }]
    : [{ message: 'see docs/ops.md for the list of ops' }];
  throw new LowerError('E1002', `unknown op or block '${name}'`, call.callee.loc, notes);
}

/**
 * `weight(shape)` takes no tensor: its node's input is the model's first input, read only for
 * the batch size (the runtime and ONNX repeat the value over it).
 */
function weightArgs(ev: Evaluator, args: Args, call: A.CallExpression): Args {
  const tensor = args.positional.find((a) => isTensorLike(a.value));
  if (tensor) {
    throw new LowerError('E1005', 'weight takes no input tensor, only its shape', tensor.loc, [
      { message: 'write it as weight([1, 192]) and combine it with x afterwards (x + w)' },
    ]);
  }
  const first = ev.builder.nodes.find((n) => n.op === 'input');
  if (!first) {
    throw new LowerError('E1004', 'weight needs a model with at least one input', call.loc);
  }
  const value: Value = { kind: 'tensor', node: first.id, shape: first.shape };
  return { positional: [{ value, loc: call.loc }, ...args.positional], named: args.named };
}

/** `split` / `chunk`: a list of `slice` layers, one per part (see split.ts). */
function evalSplit(ev: Evaluator, call: A.CallExpression, args: Args): Value {
  const plan = splitPlan(call, args);
  if (plan === 'poison') return POISON;
  ev.tick(call.loc, plan.parts.length);
  const axis = int(plan.axis);
  return list(
    plan.parts.map(([start, stop]) =>
      emitOp(ev, 'slice', [plan.tensor], { axis, start: int(start), stop: int(stop) }, call.loc),
    ),
  );
}

/** The shallow size of a value: items of a list, characters of a string, else 0. */
const sizeOf = (v: Value): number =>
  v.kind === 'list' ? v.items.length : v.kind === 'string' ? v.value.length : 0;

function callBuiltin(
  ev: Evaluator,
  call: A.CallExpression,
  args: Args,
  fn: (a: Value[], l: typeof ev.world.limits) => Value,
): Value {
  const first = [...args.named.values()][0];
  if (first)
    throw new LowerError('E1003', `${call.callee.name}() takes no named arguments`, first.loc);
  // Builtins walk their list (and string) arguments and build their results: charge both as
  // steps, so that calling one in a loop cannot run away. len() is O(1).
  const values = args.positional.map((a) => a.value);
  const walked = values.reduce((n, v) => n + sizeOf(v), 0);
  if (call.callee.name !== 'len') ev.tick(call.loc, walked);
  try {
    const result = fn(values, ev.world.limits);
    ev.tick(call.loc, sizeOf(result));
    return result;
  } catch (e) {
    if (!(e instanceof BuiltinError)) throw e;
    const loc = e.arg !== undefined ? (args.positional[e.arg]?.loc ?? call.loc) : call.loc;
    throw new LowerError(e.code, e.message, loc);
  }
}

/** Split a call's arguments into input tensors and op parameters, then emit the node. */
function applyOp(ev: Evaluator, opName: string, args: Args, callLoc: A.Loc): Value {
  const op = getOp(opName)!;
  const layerName = takeName(args);
  const shares = takeShares(args);
  const pos = [...args.positional];
  let inputs: Arg[] = [];
  const first = pos[0]?.value;
  if (
    op.inputs.max > 1 &&
    first?.kind === 'list' &&
    first.items.length > 0 &&
    first.items.every((i) => i.kind === 'tensor')
  ) {
    const listArg = pos.shift()!;
    inputs = first.items.map((value) => ({ value, loc: listArg.loc }));
  } else {
    while (inputs.length < op.inputs.max && isTensorLike(pos[0]?.value)) inputs.push(pos.shift()!);
  }
  if (inputs.length < op.inputs.min) {
    const found = pos[0] ? `, found ${typeName(pos[0].value)}` : '';
    const need =
      op.inputs.min === 1 ? 'an input tensor' : `at least ${op.inputs.min} input tensors`;
    throw new LowerError('E1004', `${op.name} needs ${need}${found}`, pos[0]?.loc ?? callLoc, [
      { message: `write it as x |> ${op.name}(...) or ${op.name}(x, ...)` },
    ]);
  }
  // No prototype: an argument named `__proto__` is an own key, and then an unknown argument.
  const given: Record<string, Value> = Object.create(null) as Record<string, Value>;
  const argLocs: Record<string, A.Loc> = {};
  const free = op.params.filter((p) => !args.named.has(p.name));
  if (pos.length > free.length) {
    const extra = pos[free.length];
    const what =
      extra.value.kind === 'tensor'
        ? `too many input tensors: ${op.name} takes ${op.inputs.max}`
        : `${op.name} takes at most ${free.length} argument${free.length === 1 ? '' : 's'} after its input${op.inputs.max === 1 ? '' : 's'}`;
    throw new LowerError('E1005', what, extra.loc);
  }
  pos.forEach((a, i) => ((given[free[i].name] = a.value), (argLocs[free[i].name] = a.loc)));
  for (const [k, a] of args.named) {
    given[k] = a.value;
    argLocs[k] = a.name?.loc ?? a.loc;
  }
  return emitOp(
    ev,
    op.name,
    inputs.map((i) => i.value),
    given,
    callLoc,
    argLocs,
    layerName,
    shares,
  );
}

/** Where each operand came from; at most `MAX_OPERAND_NOTES` (a concat may have thousands). */
const MAX_OPERAND_NOTES = 16;

function operandNotes(ev: Evaluator, inputs: readonly Value[]): Note[] {
  const notes: Note[] = inputs.slice(0, MAX_OPERAND_NOTES).flatMap((v, i) => {
    if (v.kind !== 'tensor') return [];
    const n = ev.builder.nodes[v.node];
    return [
      {
        message: `operand ${i + 1} ${formatShape(n.shape)} comes from ${n.name} (${n.op}) at ${describeSpan(n.span)}`,
        span: n.span,
      },
    ];
  });
  const more = inputs.length - MAX_OPERAND_NOTES;
  if (more > 0) notes.push({ message: `and ${more} more operand${more === 1 ? '' : 's'}` });
  return notes;
}

/**
 * Validate arguments, infer the shape and add one IR node. `argLocs` points errors about a
 * parameter at the argument that set it; without one they point at the whole call.
 */
export function emitOp(
  ev: Evaluator,
  opName: string,
  inputs: readonly Value[],
  given: Record<string, Value>,
  loc: A.Loc,
  argLocs: Record<string, A.Loc> = {},
  layerName?: { name: string; loc: A.Loc },
  shares?: { name: string; loc: A.Loc },
): Value {
  const op = getOp(opName)!;
  // Checking inputs and list-valued arguments takes time in proportion to their number.
  ev.tick(loc, inputs.length + Object.values(given).reduce((n, v) => n + sizeOf(v), 0));
  const resolved = resolveAttrs(op, given);
  if ('error' in resolved) {
    if (resolved.error.silent) return POISON;
    throw new LowerError(
      resolved.error.code,
      resolved.error.message,
      argLocs[resolved.error.param] ?? loc,
    );
  }
  // A recurrent op's initial_state tensors are inputs, right after the sequence.
  const states = given.initial_state?.kind === 'list' ? given.initial_state.items : [];
  const all = [...inputs.slice(0, 1), ...states, ...inputs.slice(1)];
  // The arguments fit the op; its shape depends on inputs that already failed.
  if (all.some((v) => v.kind === 'poison')) return POISON;
  const tensors = all as Extract<Value, { kind: 'tensor' }>[];
  // A recurrent op reading a masked sequence gets its mask as its last input (Keras' masks).
  const plan =
    inputs.length === 1 ? implicitMask(ev.builder.nodes, op.name, tensors[0].node) : null;
  if (plan) {
    const mask =
      'node' in plan
        ? ({ kind: 'tensor', node: plan.node, shape: plan.shape } as const)
        : addNode(ev, 'step_mask', [plan.source], { mask_value: plan.value }, plan.shape, loc);
    if (mask.kind === 'tensor') tensors.push(mask);
  }
  const shapes = tensors.map((t) => t.shape);
  let shape;
  try {
    shape = op.shape(shapes, resolved.attrs);
    op.weights(shapes, resolved.attrs);
  } catch (e) {
    if (!(e instanceof OpError)) throw e;
    const at = (e.param && argLocs[e.param]) || loc;
    const notes: Note[] = e.notes.map((message) => ({ message }));
    if (e.code === 'E3001' || inputs.length > 1)
      for (const n of operandNotes(ev, inputs)) notes.push(n);
    const message = e.message.startsWith(op.name) ? e.message : `${op.name}: ${e.message}`;
    throw new LowerError(e.code, message, at, notes);
  }
  for (const w of op.warnings?.(shapes, resolved.attrs) ?? [])
    ev.report('warning', 'W0002', `${op.name}: ${w}`, loc);
  const value = addNode(
    ev,
    op.name,
    tensors.map((t) => t.node),
    resolved.attrs,
    shape,
    loc,
    layerName,
    shares,
  );
  // `return_state: true`: the output and the states, as slices of the node's value.
  const packed = stateSlices(op.name, resolved.attrs);
  if (!packed || value.kind !== 'tensor') return value;
  const slice = (from: number, attrs: Attrs, out: Shape) =>
    addNode(ev, 'slice', [from], { step: 1, squeeze: false, ...attrs }, out, loc);
  const lastAxis = packed.steps ? 1 : 0;
  return list(
    packed.parts.map(([start, stop], i) => {
      const width = stop - start;
      const part = slice(
        value.node,
        { axis: lastAxis, start, stop },
        packed.steps ? [shape[0], width] : [width],
      );
      // A state of a sequence node: its (repeated) value at the last step.
      if (i === 0 || !packed.steps || part.kind !== 'tensor') return part;
      return slice(part.node, { axis: 0, start: -1, stop: null, squeeze: true }, [width]);
    }),
  );
}

export function addNode(
  ev: Evaluator,
  op: string,
  inputs: readonly number[],
  attrs: Attrs,
  shape: Shape,
  loc: A.Loc,
  layerName?: { name: string; loc: A.Loc },
  shares?: { name: string; loc: A.Loc },
): Value {
  const frame = ev.frame;
  if (ev.builder.full) {
    const n = ev.world.limits.nodes.toLocaleString('en-US');
    throw new LimitError(
      'E4002',
      `the model expands to more than ${n} layers (limit: IR nodes per model)`,
      loc,
    );
  }
  let local: string;
  if (layerName) {
    if (!frame.names.claim(layerName.name))
      throw new LowerError(
        'E1007',
        `layer name '${layerName.name}' is already used in this block`,
        layerName.loc,
      );
    local = layerName.name;
  } else local = frame.names.next(op);
  const name = [...frame.scope.map((s) => s.name), local].join('.');
  const owner = weightOwner(ev, { name, op, inputs, attrs }, shares);
  const node = ev.builder.add({
    name,
    op,
    inputs,
    attrs,
    shape,
    scope: frame.scope,
    span: ev.spanOf(loc),
    expansion: frame.expansion,
    ...(owner === undefined ? {} : { shares: owner }),
  });
  return { kind: 'tensor', node: node.id, shape };
}
