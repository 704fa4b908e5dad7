// Vertex AI clients, deep-imported (the package index pulls 16.5 MB of generated code).
// grpc is exported from the same bundle: grpc-js checks sslCreds with instanceof.
export { ModelServiceClient } from '@google-cloud/aiplatform/build/src/v1/model_service_client';
export { JobServiceClient } from '@google-cloud/aiplatform/build/src/v1/job_service_client';
export { PipelineServiceClient } from '@google-cloud/aiplatform/build/src/v1/pipeline_service_client';
export { EndpointServiceClient } from '@google-cloud/aiplatform/build/src/v1/endpoint_service_client';
export { PredictionServiceClient } from '@google-cloud/aiplatform/build/src/v1/prediction_service_client';
export * as grpc from '@grpc/grpc-js';
