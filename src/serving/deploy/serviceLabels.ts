/** Labels the extension sets on each Cloud Run service it deploys (values sanitised). */
export const SERVICE_LABELS = {
  managedBy: 'managed-by',
  managedByValue: 'ml-serving',
  model: 'ml-serving-model',
  modelVersion: 'ml-serving-model-version',
  run: 'ml-serving-run',
  container: 'ml-serving-container',
} as const;
