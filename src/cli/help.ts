/** `ml-serving <command> --help`: each command's own help (the general help is USAGE in args.ts). Pure. */

const CLOUD = `  --project ID            the Google Cloud project (default: GOOGLE_CLOUD_PROJECT, then gcloud's)
  --region R              the region (default us-central1)
  --json                  JSON for pipelines instead of text`;
const YES = `  --yes                   confirm without asking. Without it the plan is printed and a terminal
                          is asked; with no terminal the command refuses (exit 5), nothing changed.`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  inspect: `Usage: ml-serving inspect <folder|gs://bucket/path> [--json] [--label KEY=VALUE]... [--container native|python]

Read a model folder as TF Serving will: version served, signatures, custom ops, and the container
that can serve it. Exit 0 servable, 1 not servable, 2 bad usage.`,
  runs: `Usage: ml-serving runs [--region R[,R...]] [--limit N] [--project ID] [--json]

Vertex AI training runs (pipelines and custom jobs), newest first.\n\n${CLOUD}\n  --limit N               most items per region (default 20)`,
  models: `Usage: ml-serving models [--region R[,R...]] [--limit N] [--project ID] [--json]

Model Registry versions with aliases and artifact URIs.\n\n${CLOUD}\n  --limit N               most items per region (default 20)`,
  services: `Usage: ml-serving services [--region R[,R...]] [--all] [--project ID] [--json]

Cloud Run services deployed by ML Serving: URL, state, traffic.\n\n${CLOUD}\n  --all                   also services not deployed by ML Serving`,
  predict: `Usage: ml-serving predict <service> --body JSON|@file|@- [--json]

Send one TF Serving predict request to a Cloud Run service; prints the answer.
<service> is projects/P/locations/R/services/S, or the service id with one --region.\n\n${CLOUD}`,
  logs: `Usage: ml-serving logs <service> [--minutes N] [--limit N] [--follow] [--json]

Recent log entries of a Cloud Run service; --follow keeps reading until Ctrl+C.\n\n${CLOUD}
  --minutes N             how far back (default 60)
  --limit N               entries (default 100)`,
  deploy: `Usage: ml-serving deploy <model> --service NAME [options] [--yes]

Deploy a SavedModel to Cloud Run (a new service, or a new revision that keeps what the service
already runs with). <model> is gs://BUCKET/PATH or projects/P/locations/R/models/ID@VERSION.

  --service NAME          the Cloud Run service (required)
  --container native|python   the container (default: the one the model needs)
  --cpu C, --memory M     e.g. --cpu 2 --memory 4Gi
  --min-instances N, --max-instances N, --concurrency N
  --public | --no-public  allow unauthenticated calls, or require authentication
  --service-account EMAIL the identity the model runs as
  --image REF             the serving image
${CLOUD}\n${YES}`,
  traffic: `Usage: ml-serving traffic <service> (--canary REVISION --percent N | --promote | --end-canary | --rollback REVISION) [--yes]

Move a Cloud Run service's traffic.\n\n${CLOUD}\n${YES}`,
  compare: `Usage: ml-serving compare <service> --a REV --b REV --requests FILE.jsonl [--k N] [--yes]

Send the same requests to two revisions (through tag URLs) and compare their top-K answers,
errors and latency.\n\n${CLOUD}\n  --k N                   top-K ids compared (default 10)\n${YES}`,
  endpoints: `Usage: ml-serving endpoints [--region R[,R...]] [--project ID] [--json]

Vertex AI endpoints with their deployed models (id, model and version, traffic %, machine, replicas).\n\n${CLOUD}`,
  'endpoint-deploy': `Usage: ml-serving endpoint-deploy <model> (--endpoint ID | --new-endpoint NAME) [options] [--yes]

Deploy a Model Registry version (projects/P/locations/R/models/ID@VERSION) to a Vertex AI endpoint
in the model's region. The container comes from the model: Vertex AI's prebuilt TensorFlow
container, or the project's Python image for custom ops. The plan with the endpoint's traffic diff
is printed before anything changes.

  --endpoint ID           an existing endpoint (id, or projects/P/locations/R/endpoints/ID)
  --new-endpoint NAME     a new endpoint with this display name (the model takes 100%)
  --machine-type T        default n1-standard-2
  --accelerator TYPE      e.g. NVIDIA_TESLA_T4 (with --accelerator-count N, default 1)
  --min-replicas N        default 1
  --max-replicas N        default: --min-replicas
  --traffic N             the new model's share in % (required on an endpoint that takes
                          traffic; the others keep their proportions)
${CLOUD}\n${YES}`,
  'endpoint-traffic': `Usage: ml-serving endpoint-traffic <endpoint> --split DEPLOYED_ID=PCT,... [--yes]

Set an endpoint's traffic split; the shares sum to 100, deployed models not named get 0.
<endpoint> is projects/P/locations/R/endpoints/ID, or its id with --region.\n\n${CLOUD}\n${YES}`,
  'endpoint-undeploy': `Usage: ml-serving endpoint-undeploy <endpoint> <deployedModelId> [--yes]

Undeploy a model from an endpoint; its share goes to the others in proportion.\n\n${CLOUD}\n${YES}`,
};
