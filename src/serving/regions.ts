/** Cloud Run / Vertex AI regions, to reject a typo before any call is made. */
export const CLOUD_RUN_REGIONS: readonly string[] = [
  'africa-south1', 'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3',
  'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2', 'australia-southeast1',
  'australia-southeast2', 'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1', 'europe-west1',
  'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6', 'europe-west8', 'europe-west9',
  'europe-west10', 'europe-west12', 'me-central1', 'me-central2', 'me-west1', 'northamerica-northeast1',
  'northamerica-northeast2', 'northamerica-south1', 'southamerica-east1', 'southamerica-west1', 'us-central1', 'us-east1',
  'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4',
];

export function isKnownRegion(region: string): boolean {
  return CLOUD_RUN_REGIONS.includes(region);
}

/** Project ids: 6-30 chars, lowercase letters, digits, hyphens, start with a letter, no trailing hyphen. */
export function projectIdProblem(id: string): string | undefined {
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(id)) {
    return 'a project id has 6 to 30 lowercase letters, digits or hyphens, starts with a letter and does not end with a hyphen';
  }
  return undefined;
}
