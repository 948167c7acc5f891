/**
 * ONNX external data, the part that writes protobuf: initializers moved to the content-named
 * data file that `planExternalData` (codegen/onnx/external-data-plan.ts, where the rule is
 * described) lays out, and that file's bytes.
 */
import { createHash } from 'node:crypto';
import { onnx, type OnnxProto } from './proto.js';
import { dataFileName, type ExternalData, type ExternalDataPlan } from './external-data-plan.js';

// The rules and types without the protobuf classes (declarations that reach the public API
// must not import onnx-proto, whose own .d.ts fails a strict check without skipLibCheck).
export * from './external-data-plan.js';

/** The data file's contents, as views of the tensors' bytes with zero gaps (nothing copied). */
function dataChunks(
  initializers: readonly OnnxProto.ITensorProto[],
  plan: ExternalDataPlan,
): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let end = 0;
  initializers.forEach((t, i) => {
    const at = plan.offsets[i];
    if (at === undefined) return;
    if (at > end) chunks.push(new Uint8Array(at - end));
    chunks.push(t.rawData as Uint8Array);
    end = at + (t.rawData as Uint8Array).length;
  });
  return chunks;
}

/**
 * The initializers with the planned ones moved out (`location` = the content-named data file
 * of `modelFileName`), and that file; `data` undefined when every tensor stays inline.
 */
export function externalize(
  initializers: readonly OnnxProto.ITensorProto[],
  plan: ExternalDataPlan,
  modelFileName: string,
): { initializers: OnnxProto.ITensorProto[]; data?: ExternalData } {
  if (plan.length === 0) return { initializers: [...initializers] };
  const chunks = dataChunks(initializers, plan);
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  const name = dataFileName(modelFileName, hash.digest('hex').slice(0, 16));
  const moved = initializers.map((t, i): OnnxProto.ITensorProto => {
    const at = plan.offsets[i];
    if (at === undefined) return t;
    const { rawData, ...rest } = t;
    return {
      ...rest,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: name },
        { key: 'offset', value: String(at) },
        { key: 'length', value: String((rawData as Uint8Array).length) },
      ],
    };
  });
  return { initializers: moved, data: { name, chunks, length: plan.length } };
}

/** The data file's bytes as one array (for ONNX Runtime's in-memory `externalData`). */
export function concatData(data: ExternalData): Uint8Array {
  const out = new Uint8Array(data.length);
  let at = 0;
  for (const c of data.chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
