/** gRPC status errors as Google APIs return them. */
import { status } from '@grpc/grpc-js';

export class ApiError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
  }
}

export const invalidArgument = (message: string) => new ApiError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ApiError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new ApiError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new ApiError(status.FAILED_PRECONDITION, message);
export const aborted = (message: string) => new ApiError(status.ABORTED, message);

/** Status code from a number or a name (`"UNAVAILABLE"`), for fault requests. */
export function parseStatusCode(value: unknown, fallback: status, field: string): status {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 16) return value;
  if (typeof value === 'string' && value in status && typeof (status as any)[value] === 'number') return (status as any)[value];
  throw invalidArgument(`${field}: expected a gRPC status code (1-16 or a name like "UNAVAILABLE"), got ${JSON.stringify(value)}`);
}
