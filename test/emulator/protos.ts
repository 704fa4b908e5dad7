/**
 * Loads the Google API .proto files the client packages ship, once, for every gRPC service of the
 * emulator: a grpc-js package object (to serve) and a protobufjs root (to pack google.protobuf.Any
 * payloads of long-running operations).
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';

const pkgDir = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));
// google-gax has an "exports" map that forbids a deep require.resolve: walk from its entry point.
const GAX_PROTOS = path.join(path.dirname(require.resolve('google-gax')), '../protos');
const INCLUDE_DIRS = [
  path.join(pkgDir('@google-cloud/aiplatform'), 'build/protos'),
  path.join(pkgDir('@google-cloud/run'), 'build/protos'),
  path.join(pkgDir('@google-cloud/logging'), 'build/protos'),
  GAX_PROTOS,
];
const FILES = [
  'google/cloud/aiplatform/v1/model_service.proto',
  'google/cloud/aiplatform/v1/job_service.proto',
  'google/cloud/aiplatform/v1/pipeline_service.proto',
  'google/cloud/aiplatform/v1/endpoint_service.proto',
  'google/cloud/aiplatform/v1/prediction_service.proto',
  'google/cloud/run/v2/service.proto',
  'google/cloud/run/v2/revision.proto',
  'google/logging/v2/logging.proto',
  'google/longrunning/operations.proto',
];

export interface AnyMessage {
  typeUrl: string;
  value: Buffer;
}

export interface Protos {
  /** `lookupService('google.cloud.run.v2.Services')` → the definition grpc-js `addService` takes. */
  service(fullName: string): grpc.ServiceDefinition;
  /** Encode `obj` (proto-loader object form: camelCase, enums as names, int64 as strings) as an Any. */
  packAny(typeName: string, obj: object): AnyMessage;
}

let cached: Protos | undefined;

export function loadProtos(): Protos {
  if (cached) return cached;
  const pkgDef = protoLoader.loadSync(FILES, {
    includeDirs: INCLUDE_DIRS, keepCase: false, longs: String, enums: String, defaults: false, oneofs: true,
  });
  const grpcObj = grpc.loadPackageDefinition(pkgDef);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const d of INCLUDE_DIRS) {
      const p = path.join(d, target);
      if (fs.existsSync(p)) return p;
    }
    return target;
  };
  root.loadSync(FILES, { keepCase: false });
  root.resolveAll();
  cached = {
    service(fullName) {
      const ctor = fullName.split('.').reduce<any>((o, k) => o?.[k], grpcObj);
      if (!ctor?.service) throw new Error(`proto service ${fullName} not loaded`);
      return ctor.service as grpc.ServiceDefinition;
    },
    packAny(typeName, obj) {
      const T = root.lookupType(typeName);
      const typeUrl = `type.googleapis.com/${typeName}`;
      // Both spellings: protobufjs's Any wrapper reads `type_url` when it serializes, so `typeUrl` alone
      // reached clients empty (ListOperations callers could not tell an upload from a delete).
      return { typeUrl, type_url: typeUrl, value: Buffer.from(T.encode(T.fromObject(obj)).finish()) } as AnyMessage;
    },
  };
  return cached;
}
