/** The errors of weight files (both formats share them; safetensors adds `SafetensorsError`). */

/** A weights path that names no usable file or folder, or a tfjs weights file that is malformed. */
export class WeightsFileError extends Error {
  override name = 'WeightsFileError';
}

/** A tfjs folder whose `model.json` or weight paths cannot be read (bad JSON, paths outside it). */
export class TfjsFilesError extends Error {
  override name = 'TfjsFilesError';
}
