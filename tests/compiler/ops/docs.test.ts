import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderOpsMarkdown } from '../../../compiler/ops/docs.js';
import { allOps } from '../../../compiler/ops/registry.js';

const path = fileURLToPath(new URL('../../../docs/ops.md', import.meta.url));

describe('docs/ops.md', () => {
  const md = renderOpsMarkdown();

  it('lists every op', () => {
    for (const op of allOps) expect(md).toContain(`### \`${op.name}\``);
    expect(md).toContain('| `units`');
    expect(md).toContain('`[in, units]`');
  });

  it('is already formatted as prettier would', async () => {
    const config = (await prettier.resolveConfig(path)) ?? {};
    expect(await prettier.format(md, { ...config, filepath: path })).toBe(md);
  });

  it('is up to date (vitest -u rewrites it)', async () => {
    await expect(md).toMatchFileSnapshot(path);
  });
});
