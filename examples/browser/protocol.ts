/** The messages between the page (main.ts) and the inference worker (worker.ts). */

/** Page -> worker: run the model on `input` (batch first, float32) on `backend`. */
export interface PredictRequest {
  readonly backend: 'webgl' | 'wasm' | 'webgpu' | 'cpu';
  readonly input: Float32Array;
  readonly shape: readonly number[];
  /** How many timed predictions after the first (warm-up) one. */
  readonly repeats: number;
}

/** Worker -> page: the outputs and how long each prediction took. */
export type PredictReply =
  | {
      readonly ok: true;
      readonly backend: string;
      readonly output: Float32Array;
      readonly shape: readonly number[];
      /** Milliseconds: the first prediction (shader compilation, warm-up), then the others. */
      readonly firstMs: number;
      readonly timesMs: readonly number[];
    }
  | { readonly ok: false; readonly error: string };
