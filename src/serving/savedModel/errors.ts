/** Errors about a model folder that a user can act on; `code` lets callers branch without parsing text. */

export type SavedModelErrorCode =
  /** saved_model.pb does not parse as a SavedModel. */
  | 'corrupt'
  /** No meta graph tagged exactly `serve` (TF Serving's default `--saved_model_tags`). */
  | 'no-serve-tag'
  /** The folder (or file) does not exist or is empty. */
  | 'not-found'
  /** Only a TensorFlow Lite model (*.tflite), which TF Serving does not load. */
  | 'tflite'
  /** A legacy TF1 SessionBundle export (export.meta), removed from TF Serving. */
  | 'session-bundle'
  /** A folder without saved_model.pb that is none of the known other formats. */
  | 'no-saved-model'
  /** A text-format saved_model.pbtxt, which this reader does not parse. */
  | 'pbtxt'
  /** The serve meta graph has no signature a client could call. */
  | 'no-signatures'
  /** The model is fine, but the container forced by the user cannot load it (native TF Serving and custom ops). */
  | 'container-will-fail'
  /** Listing or reading failed (permissions, network). */
  | 'io';

export class SavedModelError extends Error {
  override readonly name = 'SavedModelError';
  constructor(readonly code: SavedModelErrorCode, message: string) {
    super(message);
  }
}
