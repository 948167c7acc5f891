/**
 * The samples compiled at small configurations for their PyTorch fixtures (see torch-sample.ts):
 * the tfjs tests in tests/runtime and the ONNX Runtime tests in tests/codegen/onnx share them.
 */
import type { SampleCase } from './torch-sample.js';

/** samples/vit_b16.net as tests/fixtures/vit/generate.py configures torchvision's ViT. */
export const vitCase: SampleCase = {
  file: 'samples/vit_b16.net',
  fixture: 'tests/fixtures/vit/vit_small.json',
  replace: [['image: [224, 224, 3]', 'image: [16, 16, 3]']],
  args: { classes: 5, patch: 4, width: 16, depth: 2, heads: 2, mlp_dim: 32 },
};
