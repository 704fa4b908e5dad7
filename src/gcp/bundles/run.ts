// Cloud Run Admin API v2 clients, deep-imported; grpc from the same bundle (instanceof checks).
export { ServicesClient } from '@google-cloud/run/build/src/v2/services_client';
export { RevisionsClient } from '@google-cloud/run/build/src/v2/revisions_client';
export * as grpc from '@grpc/grpc-js';
