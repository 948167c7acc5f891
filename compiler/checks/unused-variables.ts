import type * as A from '../../grammar/ast.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { DefinitionRef } from '../lower/frame.js';
import { span } from '../source.js';

/** Every name read anywhere in a list of statements (and its nested expressions). */
function reads(body: readonly A.Statement[], out = new Set<string>()): Set<string> {
  const expr = (e: A.Expression): void => {
    // Iterative walk: long operator chains make deep trees.
    const stack: A.Expression[] = [e];
    while (stack.length) {
      const x = stack.pop()!;
      switch (x.kind) {
        case 'Name':
          out.add(x.name);
          break;
        // No push(...spread): a list or call may have 100,000s of items.
        case 'List':
          for (const i of x.items) stack.push(i);
          break;
        case 'Call':
          for (const a of x.args) stack.push(a.value);
          break;
        case 'Pipe':
          stack.push(x.input);
          for (const a of x.call.args) stack.push(a.value);
          break;
        case 'Index':
          stack.push(x.target, x.index);
          break;
        case 'Unary':
          stack.push(x.operand);
          break;
        case 'Binary':
          stack.push(x.left, x.right);
          break;
        case 'Conditional':
          stack.push(x.condition, x.then, x.otherwise);
          break;
        default:
          break;
      }
    }
  };
  const stmt = (s: A.Statement): void => {
    if (s.kind === 'Assign') expr(s.value);
    else if (s.kind === 'Return') s.values.forEach((v) => expr(v.value));
    else if (s.kind === 'For') {
      expr(s.iterable);
      s.body.forEach(stmt);
    } else {
      expr(s.condition);
      s.then.forEach(stmt);
      if (Array.isArray(s.otherwise)) s.otherwise.forEach(stmt);
      else if (s.otherwise) stmt(s.otherwise as A.IfStatement);
    }
  };
  body.forEach(stmt);
  return out;
}

/** The names a pattern binds, in order. */
function patternIdentifiers(p: A.Pattern, out: A.Identifier[]): void {
  if (p.kind === 'Identifier') out.push(p);
  else for (const item of p.items) patternIdentifiers(item, out);
}

function assignments(body: readonly A.Statement[], out: A.Identifier[] = []): A.Identifier[] {
  for (const s of body) {
    if (s.kind === 'Assign') patternIdentifiers(s.target, out);
    else if (s.kind === 'For') assignments(s.body, out);
    else if (s.kind === 'If') {
      assignments(s.then, out);
      if (Array.isArray(s.otherwise)) assignments(s.otherwise, out);
      else if (s.otherwise) assignments([s.otherwise as A.IfStatement], out);
    }
  }
  return out;
}

/** W0001: variables assigned and parameters declared but never read. `_`-prefixed names are exempt. */
export function unusedVariables(ref: DefinitionRef): Diagnostic[] {
  const { def, source } = ref;
  const used = reads(def.body);
  for (const p of def.params)
    if (p.default)
      reads(
        [
          {
            kind: 'Return',
            values: [{ kind: 'ReturnValue', value: p.default, loc: p.loc }],
            loc: p.loc,
          },
        ],
        used,
      );
  const out: Diagnostic[] = [];
  const warn = (id: A.Identifier, message: string): void => {
    out.push({
      severity: 'warning',
      code: 'W0001',
      message,
      span: span(source, id.loc.start, id.loc.end),
      notes: [],
      expansion: [],
    });
  };
  const what = def.kind === 'Model' ? 'model' : 'block';
  for (const p of def.params) {
    if (!used.has(p.name.name) && !p.name.name.startsWith('_')) {
      warn(
        p.name,
        `${p.shape && def.kind === 'Model' ? 'input' : 'parameter'} '${p.name.name}' of ${what} '${def.name.name}' is never used`,
      );
    }
  }
  const seen = new Set<string>();
  for (const id of assignments(def.body)) {
    if (used.has(id.name) || seen.has(id.name) || id.name.startsWith('_')) continue;
    seen.add(id.name);
    warn(id, `variable '${id.name}' is assigned but never used`);
  }
  return out;
}
