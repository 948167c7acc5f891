/**
 * Image resizing as TensorFlow 2's `tf.image.resize` does it (Keras `Resizing` and
 * `UpSampling2D`, PyTorch `interpolate(align_corners=False)`): half-pixel centres, output pixel
 * `o` reads input position `(o + 0.5) * in / out - 0.5`. Along one axis that is a matrix
 * `[out, in]` (row-major); resizing an image is one such product per spatial axis. No imports:
 * the runtime layer shares it.
 */
export function resizeMatrix(
  inSize: number,
  outSize: number,
  interpolation: 'bilinear' | 'nearest',
): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    if (interpolation === 'nearest') {
      // TensorFlow's half-pixel nearest: floor((o + 0.5) * scale), clamped.
      m[o * inSize + Math.min(Math.floor((o + 0.5) * scale), inSize - 1)] = 1;
      continue;
    }
    const src = (o + 0.5) * scale - 0.5;
    const floor = Math.floor(src);
    const lerp = src - floor;
    const lower = Math.max(floor, 0);
    const upper = Math.min(Math.ceil(src), inSize - 1);
    m[o * inSize + lower] += 1 - lerp;
    m[o * inSize + upper] += lerp;
  }
  return m;
}
