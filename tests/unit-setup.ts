/**
 * Setup of the unit project: a test file that loads TensorFlow.js (which registers its engine as
 * `globalThis._tfengine` on import) fails, since it belongs to the tensor project.
 */
import { afterAll } from 'vitest';

afterAll(() => {
  if ('_tfengine' in globalThis) {
    throw new Error('this test file loads TensorFlow.js: it belongs to the tensor project');
  }
});
