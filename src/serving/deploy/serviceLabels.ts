/** Labels the extension sets on each Cloud Run service it deploys (values sanitised). */
export const SERVICE_LABELS = {
  managedBy: 'managed-by',
  managedByValue: 'ml-serving',
  model: 'ml-serving-model',
  /** The model's display name, made a valid label value (the id above is what links). */
  modelDisplayName: 'ml-serving-model-name',
  modelVersion: 'ml-serving-model-version',
  run: 'ml-serving-run',
  container: 'ml-serving-container',
} as const;
