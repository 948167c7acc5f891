import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosticCodes } from '../../compiler/diagnostics/codes.js';
import { renderDiagnosticsMarkdown } from '../../compiler/diagnostics/docs.js';
import { packageRoot } from '../../compiler/package-root.js';

describe('docs/diagnostics.md', () => {
  const path = join(packageRoot(), 'docs/diagnostics.md');
  it('is up to date with the code table (vitest -u rewrites it)', async () => {
    await expect(renderDiagnosticsMarkdown()).toMatchFileSnapshot(path);
  });

  it('lists every code exactly once', () => {
    const doc = renderDiagnosticsMarkdown();
    for (const code of Object.keys(diagnosticCodes))
      expect(doc.split(`| ${code} |`)).toHaveLength(2);
  });
});
