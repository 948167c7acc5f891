import type * as A from '../../grammar/ast.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import type { Graph, GraphPort } from '../ir/graph.js';
import { addNode } from './calls.js';
import { Evaluator, type World } from './evaluator.js';
import { shapeOf } from './expand-block.js';
import type { DefinitionRef } from './frame.js';
import { GraphBuilder, NameScope } from './graph-builder.js';
import { LimitError, LowerError } from './lower-error.js';
import { typeName, type Value } from '../value.js';

/** Values for a model's hyperparameters, overriding their defaults (`classes = 10`). */
export type ModelArguments = Readonly<Record<string, Value>>;

/**
 * Lower one model to a graph. Returns undefined when it has errors (all of them reported to
 * `diagnostics`).
 */
export function lowerModel(
  world: World,
  ref: DefinitionRef,
  diagnostics: DiagnosticBag,
  args: ModelArguments = {},
): Graph | undefined {
  const builder = new GraphBuilder(world.limits.nodes);
  const ev = new Evaluator(world, builder, diagnostics);
  const def = ref.def;
  ev.frames.push({
    ref,
    vars: new Map(),
    scope: [],
    names: new NameScope(),
    loops: [],
    expansion: [],
  });
  const errorsBefore = diagnostics.errorCount;
  let outputs: GraphPort[] = [];
  const inputs: GraphPort[] = [];
  try {
    for (const p of def.params) bindModelParam(ev, p, args, inputs);
    const returned = ev.execBody(def.body);
    if (!returned)
      throw new LowerError('E4003', `model '${def.name.name}' ends without 'return'`, def.name.loc);
    outputs = outputPorts(ev, def, returned.values);
  } catch (e) {
    if (!(e instanceof LowerError)) throw e;
    if (!(e instanceof LimitError && e.reported))
      ev.report('error', e.code, e.message, e.loc, e.notes, e.help);
  }
  const errors = diagnostics.errorCount;
  if (errors > errorsBefore) return undefined;
  return {
    name: def.name.name,
    span: ev.spanOf(def.name.loc),
    inputs,
    outputs,
    nodes: builder.nodes,
  };
}

function bindModelParam(
  ev: Evaluator,
  p: A.Param,
  args: ModelArguments,
  inputs: GraphPort[],
): void {
  const name = p.name.name;
  if (p.shape) {
    const shape = shapeOf(p.shape);
    const v = addNode(ev, 'input', [], { shape }, shape, p.loc, { name, loc: p.name.loc });
    if (v.kind === 'tensor') inputs.push({ name, node: v.node, shape });
    ev.frame.vars.set(name, v);
    return;
  }
  const given = args[name];
  if (given) return void ev.frame.vars.set(name, given);
  if (!p.default) {
    throw new LowerError(
      'E1004',
      `model parameter '${name}' needs a default value (${name} = ...) or a shape (${name}: [...])`,
      p.loc,
    );
  }
  ev.frame.vars.set(name, ev.eval(p.default));
}

function outputPorts(ev: Evaluator, def: A.Definition, values: readonly Value[]): GraphPort[] {
  const returns = def.body.filter((s): s is A.ReturnStatement => s.kind === 'Return');
  const items = findReturn(def.body, values.length) ?? returns[0]?.values ?? [];
  // A failed output was reported where it failed; the model then has no graph.
  if (values.some((v) => v.kind === 'poison')) return [];
  const used = new Set<string>();
  const returnedAs = new Map<number, string>();
  return values.map((v, i) => {
    const item = items[i];
    if (v.kind !== 'tensor') {
      throw new LowerError(
        'E2001',
        `a model must return tensors, found ${typeName(v)}`,
        item?.value.loc ?? def.name.loc,
      );
    }
    let name = item?.name?.name ?? (item?.value.kind === 'Name' ? item.value.name : `output_${i}`);
    while (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    const first = returnedAs.get(v.node);
    if (first !== undefined) {
      // tfjs and the generated modules cannot give one tensor two output slots.
      throw new LowerError(
        'E4004',
        `'${name}' is the same tensor as the output '${first}': return it once`,
        item?.value.loc ?? def.name.loc,
      );
    }
    returnedAs.set(v.node, name);
    return { name, node: v.node, shape: v.shape };
  });
}

/** The return statement that produced the values (first with the same arity, depth-first). */
function findReturn(
  body: readonly A.Statement[],
  arity: number,
): readonly A.ReturnValue[] | undefined {
  for (const s of body) {
    if (s.kind === 'Return' && s.values.length === arity) return s.values;
    const inner =
      s.kind === 'For'
        ? findReturn(s.body, arity)
        : s.kind === 'If'
          ? (findReturn(s.then, arity) ??
            (Array.isArray(s.otherwise)
              ? findReturn(s.otherwise, arity)
              : s.otherwise
                ? findReturn([s.otherwise as A.IfStatement], arity)
                : undefined))
          : undefined;
    if (inner) return inner;
  }
  return undefined;
}
