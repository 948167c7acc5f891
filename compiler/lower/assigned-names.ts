import type * as A from '../../grammar/ast.js';

/** Names a statement may assign (including loop variables), to poison them when it fails. */
export function assignedNames(stmt: A.Statement): string[] {
  const out: string[] = [];
  const walk = (s: A.Statement): void => {
    switch (s.kind) {
      case 'Assign':
        patternNames(s.target, out);
        break;
      case 'For':
        patternNames(s.pattern, out);
        s.body.forEach(walk);
        break;
      case 'If':
        s.then.forEach(walk);
        if (Array.isArray(s.otherwise)) s.otherwise.forEach(walk);
        else if (s.otherwise) walk(s.otherwise as A.IfStatement);
        break;
      case 'Return':
        break;
    }
  };
  walk(stmt);
  return out;
}

export function patternNames(p: A.Pattern, out: string[] = []): string[] {
  if (p.kind === 'Identifier') out.push(p.name);
  else p.items.forEach((i) => patternNames(i, out));
  return out;
}
