/**
 * Least privilege for the model's runtime identity. Cloud Run's default is the Compute Engine
 * default service account, which is often Editor on the whole project; a model server needs only
 * to read its model bucket and write logs. Creating the account needs the IAM API, so the product
 * hands the user the gcloud commands instead of calling it.
 */
import { splitGcsFolder } from './serviceSpec';

export function suggestedServiceAccount(project: string): string {
  return `ml-serving@${project}.iam.gserviceaccount.com`;
}

/** The commands that create `email` (when it belongs to `project`) with only what serving needs. */
export function dedicatedAccountCommands(email: string, project: string, modelUri: string): string {
  const { bucket } = splitGcsFolder(modelUri);
  const [id, domain] = email.split('@');
  const lines = [
    '# A dedicated runtime identity for ML Serving models: read the model bucket, write logs, nothing else.',
  ];
  if (domain === `${project}.iam.gserviceaccount.com`) {
    lines.push(`gcloud iam service-accounts create ${id} --project=${project} --display-name="ML Serving models"`);
  }
  lines.push(
    `gcloud storage buckets add-iam-policy-binding gs://${bucket} --member=serviceAccount:${email} --role=roles/storage.objectViewer`,
    `gcloud projects add-iam-policy-binding ${project} --member=serviceAccount:${email} --role=roles/logging.logWriter --condition=None`,
    '# Deploying as it needs iam.serviceAccounts.actAs on it:',
    `gcloud iam service-accounts add-iam-policy-binding ${email} --project=${project} --member="user:$(gcloud config get-value account)" --role=roles/iam.serviceAccountUser`,
  );
  return lines.join('\n') + '\n';
}
