// Cloud Logging: the Logging class owns tailEntries (gRPC bidi, no REST transport).
export { Logging } from '@google-cloud/logging';
export * as grpc from '@grpc/grpc-js';
