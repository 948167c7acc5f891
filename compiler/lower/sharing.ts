/**
 * Weight sharing: `shares: "enc"` on a call makes it the layer (or block instance) `enc`
 * applied again, to other inputs. A shared op node takes the owner's weights; in a shared block
 * instance every weighted layer takes those of the layer at the same path in the owner, which
 * must be the same op with the same arguments (the same layer) on inputs of the same shapes
 * where the weights depend on them. Layers without weights share nothing and are not checked.
 */
import type * as A from '../../grammar/ast.js';
import type { IRNode } from '../ir/graph.js';
import { formatShape } from '../ir/shape.js';
import type { Attrs, WeightSpec } from '../ops/op.js';
import { getOp } from '../ops/registry.js';
import type { Evaluator } from './evaluator.js';
import type { Frame, Sharing } from './frame.js';
import { LowerError } from './lower-error.js';

const joined = (scope: Frame['scope'], local: string): string =>
  [...scope.map((s) => s.name), local].join('.');

/**
 * The sharing of a new instance `local` of block `block` called in `caller` with
 * `shares: target`: `target` must be an earlier instance of the same block in that frame.
 */
export function blockSharing(
  ev: Evaluator,
  caller: Frame,
  block: string,
  local: string,
  target: { name: string; loc: A.Loc },
): Sharing {
  const owner = joined(caller.scope, target.name);
  const depth = caller.scope.length;
  const inside = ev.builder.nodes.find((n) => n.name.startsWith(`${owner}.`));
  if (!inside) {
    const node = ev.builder.named(owner);
    throw new LowerError(
      'E1010',
      node
        ? `'${target.name}' is a ${node.op} layer, not an instance of block '${block}'`
        : `no earlier instance named '${target.name}' in this block to share weights with`,
      target.loc,
      [{ message: `name the instance to share with: x |> ${block}(..., name: "${target.name}")` }],
    );
  }
  const ownerBlock = inside.scope[depth]?.block;
  if (ownerBlock !== block) {
    throw new LowerError(
      'E1010',
      `'${target.name}' is an instance of block '${ownerBlock}', not of '${block}'`,
      target.loc,
    );
  }
  return { owner, own: joined(caller.scope, local), loc: target.loc };
}

const inputShapes = (ev: Evaluator, inputs: readonly number[]) =>
  inputs.map((i) => ev.builder.nodes[i].shape);

const weightsOf = (ev: Evaluator, node: Pick<IRNode, 'op' | 'inputs' | 'attrs'>): WeightSpec[] =>
  getOp(node.op)!.weights(inputShapes(ev, node.inputs), node.attrs);

/**
 * The first attribute whose value differs between two layers, or undefined when none does;
 * call arguments (`callParams`) may differ between applications.
 */
const firstDifferingAttr = (
  a: Attrs,
  b: Attrs,
  callParams: readonly string[] = [],
): string | undefined =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].find(
    (k) => !callParams.includes(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );

/**
 * The owner of the weights of a new node `name` (op `op`), or undefined when it owns its own:
 * `explicit` is the call's own `shares:`, else the frame's sharing (an enclosing shared
 * instance) applies. Throws E1010 when the layers do not match.
 */
export function weightOwner(
  ev: Evaluator,
  node: { name: string; op: string; inputs: readonly number[]; attrs: Attrs },
  explicit: { name: string; loc: A.Loc } | undefined,
): number | undefined {
  const frame = ev.frame;
  const mine = weightsOf(ev, node);
  let ownerName: string;
  let loc: A.Loc;
  if (explicit) {
    if (mine.length === 0)
      throw new LowerError('E1010', `${node.op} has no weights to share`, explicit.loc);
    ownerName = joined(frame.scope, explicit.name);
    loc = explicit.loc;
  } else {
    const sharing = frame.sharing;
    if (!sharing || mine.length === 0) return undefined;
    ownerName = sharing.owner + node.name.slice(sharing.own.length);
    loc = sharing.loc;
  }
  const owner = ev.builder.named(ownerName);
  const layer = explicit ? '' : ` (layer ${node.name})`;
  if (!owner) {
    const instance = explicit && ev.builder.nodes.find((n) => n.name.startsWith(`${ownerName}.`));
    throw new LowerError(
      'E1010',
      instance
        ? `'${explicit.name}' is an instance of block '${instance.scope[frame.scope.length].block}', not a ${node.op} layer`
        : explicit
          ? `no earlier layer named '${explicit.name}' in this block to share weights with`
          : `the shared instance has no layer ${ownerName}${layer}`,
      loc,
    );
  }
  if (owner.op !== node.op) {
    throw new LowerError(
      'E1010',
      `${ownerName} is a ${owner.op}, not a ${node.op}: only the same layer can share weights${layer}`,
      loc,
    );
  }
  const op = getOp(node.op)!;
  const differs = firstDifferingAttr(owner.attrs, node.attrs, op.callParams);
  if (differs !== undefined) {
    throw new LowerError(
      'E1010',
      `${node.op} '${differs}' is ${JSON.stringify(node.attrs[differs])} here but ${JSON.stringify(owner.attrs[differs])} in ${ownerName}, whose weights it shares${layer}`,
      loc,
    );
  }
  const theirs = weightsOf(ev, owner);
  for (const w of mine) {
    const t = theirs.find((x) => x.name === w.name);
    if (!t || t.shape.join(',') !== w.shape.join(',')) {
      throw new LowerError(
        'E1010',
        `${node.op} weight '${w.name}' would be ${formatShape(w.shape)} here but is ${t ? formatShape(t.shape) : 'absent'} in ${ownerName}, whose weights it shares${layer}`,
        loc,
        [
          {
            message: `input shapes: ${inputShapes(ev, node.inputs).map(formatShape).join(', ')} here, ${inputShapes(ev, owner.inputs).map(formatShape).join(', ')} there`,
          },
        ],
      );
    }
  }
  const ownerId = owner.shares ?? owner.id;
  if (op.checkShared) {
    const application = (n: { attrs: Attrs; inputs: readonly number[] }) => ({
      attrs: n.attrs,
      inputs: n.inputs.map((i) => ev.builder.nodes[i].shape),
    });
    const first = ev.builder.nodes[ownerId];
    const others = ev.builder.nodes.filter((n) => n.shares === ownerId);
    const why = op.checkShared([first, ...others, node].map(application));
    if (why !== undefined) throw new LowerError('E1010', `${why}${layer}`, loc);
  }
  return ownerId;
}
