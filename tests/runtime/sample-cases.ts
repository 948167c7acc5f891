/**
 * The samples compiled at small configurations for their PyTorch fixtures (see torch-sample.ts):
 * the tfjs tests in tests/runtime and the ONNX Runtime tests in tests/codegen/onnx share them.
 */
import type { SampleCase } from './torch-sample.js';

/** samples/gpt2_small.net as tests/fixtures/gpt2/generate.py configures its plain-torch GPT-2. */
export const gpt2Case: SampleCase = {
  file: 'samples/gpt2_small.net',
  fixture: 'tests/fixtures/gpt2/gpt2_small.json',
  replace: [['gpt2_small(ids: [64]', 'gpt2_small(ids: [8]']],
  args: { vocab: 50, context: 12, width: 16, depth: 2, heads: 2 },
};
