/**
 * samples/gpt2_small.net at a small configuration (vocab 50, context 12, 8 tokens, width 16,
 * 2 blocks of 2 heads) against GPT-2 written in plain PyTorch with the same weights
 * (tests/fixtures/gpt2, from generate.py beside it; the logits tied to the token embedding):
 * tfjs wasm and cpu within 1e-5 relative, the generated module, a few training steps. ONNX
 * Runtime: tests/codegen/onnx/gpt2-parity.test.ts.
 */
import { gpt2Case } from './sample-cases.js';
import { sampleParity } from './torch-sample.js';

sampleParity(gpt2Case);
