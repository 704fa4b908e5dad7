/**
 * TF Serving's error model: an absl status code plus message, mapped to HTTP as
 * model_servers/http_server.cc ToHTTPStatusCode does.
 */

export type TfCode =
  | 'CANCELLED' | 'UNKNOWN' | 'INVALID_ARGUMENT' | 'DEADLINE_EXCEEDED' | 'NOT_FOUND' | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED' | 'FAILED_PRECONDITION' | 'ABORTED' | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED' | 'INTERNAL' | 'UNAVAILABLE' | 'DATA_LOSS' | 'UNAUTHENTICATED';

const HTTP: Record<TfCode, number> = {
  CANCELLED: 499, UNKNOWN: 500, INVALID_ARGUMENT: 400, DEADLINE_EXCEEDED: 504, NOT_FOUND: 404,
  ALREADY_EXISTS: 409, PERMISSION_DENIED: 403, RESOURCE_EXHAUSTED: 429, FAILED_PRECONDITION: 400,
  ABORTED: 409, OUT_OF_RANGE: 400, UNIMPLEMENTED: 501, INTERNAL: 500, UNAVAILABLE: 503, DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

/** A TF Serving error. Predictors may throw it to answer like the model runtime would. */
export class TfServingError extends Error {
  /**
   * @param emptyBody TF Serving returns some path errors (ParseModelInfo) before it writes the JSON
   *   error body, so the reply is the status alone.
   */
  constructor(readonly code: TfCode, message: string, readonly emptyBody = false) {
    super(message);
  }
  get httpStatus(): number { return HTTP[this.code]; }
  /** absl::Status::ToString(), which TF Serving nests into wrapping messages. */
  toStatusString(): string { return `${this.code}: ${this.message}`; }
}

export const invalidArgument = (...parts: Array<string | number>) => new TfServingError('INVALID_ARGUMENT', parts.join(''));
export const notFound = (...parts: Array<string | number>) => new TfServingError('NOT_FOUND', parts.join(''));
export const internal = (...parts: Array<string | number>) => new TfServingError('INTERNAL', parts.join(''));
export const unimplemented = (...parts: Array<string | number>) => new TfServingError('UNIMPLEMENTED', parts.join(''));

/** tensorflow::DataTypeString: `DT_FLOAT` -> `float`. */
export function dataTypeString(dtype: string): string {
  return dtype.replace(/^DT_/, '').toLowerCase();
}
