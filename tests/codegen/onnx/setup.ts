/**
 * Setup of the onnx project. With `NETC_TEST_NO_ORT=1`, every test starts with a loader that
 * fails as Node does when onnxruntime-node is not installed, so a test that needs the package
 * and is not skipped fails as it would without it.
 */
import { beforeEach } from 'vitest';
import { ORT_PACKAGE, setOnnxRuntimeLoader } from '../../../engines/onnxruntime-loader.js';
import { ortSimulatedMissing } from './ort-probe.js';

if (ortSimulatedMissing()) {
  beforeEach(() =>
    setOnnxRuntimeLoader(() =>
      Promise.reject(
        Object.assign(
          new Error(`Cannot find package '${ORT_PACKAGE}' imported from tests/codegen/onnx`),
          {
            code: 'ERR_MODULE_NOT_FOUND',
          },
        ),
      ),
    ),
  );
}
