/**
 * Whether the tests can use onnxruntime-node, an optional dependency. The test-only switch
 * `NETC_TEST_NO_ORT=1` makes the tests behave as if it were not installed (tests/codegen/onnx/setup.ts
 * makes the engine's loader fail as well).
 */
import { ORT_PACKAGE } from '../../../engines/onnxruntime-loader.js';

/** The environment variable that simulates a missing onnxruntime-node. */
export const NO_ORT_SWITCH = 'NETC_TEST_NO_ORT';

/** True when the switch is set: onnxruntime-node counts as not installed. */
export const ortSimulatedMissing = (): boolean => process.env[NO_ORT_SWITCH] === '1';

/**
 * Tries to import onnxruntime-node: `undefined` when it loads, else why it cannot be used
 * ("is not installed", ...), to follow the package name in a sentence.
 */
export async function probeOrt(): Promise<string | undefined> {
  if (ortSimulatedMissing()) return `counts as not installed (${NO_ORT_SWITCH}=1)`;
  try {
    const ort = (await import(ORT_PACKAGE)) as { InferenceSession?: unknown; default?: unknown };
    const mod = (ort.InferenceSession ? ort : ort.default) as { InferenceSession?: unknown };
    return mod?.InferenceSession ? undefined : 'loads, but has no InferenceSession';
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      const message = e instanceof Error ? e.message : String(e);
      if (message.includes(`'${ORT_PACKAGE}'`)) return 'is not installed';
    }
    return `is installed but does not load (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

/** Whether onnxruntime-node can run models: the guard of every test that needs it. */
export const ortAvailable = (await probeOrt()) === undefined;
