/**
 * The additive causal mask of attention scores `[t, s]`, as Keras builds it (`band_part(ones,
 * -1, 0)`, i.e. key `j` visible from query `i` when `j <= i`): 0 where visible, `MASKED` where
 * not, row-major. No imports: the runtime layer and the ONNX lowering share it.
 */
export const MASKED = -1e9;

export function causalMask(t: number, s: number): Float32Array {
  const out = new Float32Array(t * s);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < s; j++) out[i * s + j] = MASKED;
  return out;
}
