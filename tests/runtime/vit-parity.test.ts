/**
 * samples/vit_b16.net at a small configuration (16x16 images, patch 4, width 16, 2 blocks of 2
 * heads, MLP 32, 5 classes) against torchvision's VisionTransformer with the same weights
 * (tests/fixtures/vit, from generate.py beside it): tfjs wasm and cpu within 1e-5 relative, the
 * generated module, a few training steps. ONNX Runtime: tests/codegen/onnx/vit-parity.test.ts.
 */
import { vitCase } from './sample-cases.js';
import { sampleParity } from './torch-sample.js';

sampleParity(vitCase);
