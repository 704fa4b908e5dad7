/**
 * What to do about a failed request, when the status or TF Serving's error text tells the cause.
 * The error itself is always shown as it came; this only adds the next step.
 */
import { DEFAULT_SIGNATURE } from '../savedModel/types';

export interface HintContext {
  status: number;
  /** TF Serving's `error`, or the front end's page text. */
  error?: string;
  /** MODEL_NAME the panel called. */
  modelName: string;
  signature?: string;
  inputNames?: string[];
  signatureNames?: string[];
  /** Who the ID token was for (an email), when one was sent. */
  identity?: string;
  /** The request carried no token (public service or token unavailable). */
  anonymous?: boolean;
  serviceId?: string;
  region?: string;
  /** How many 503/429 answers were retried before this one. */
  retries?: number;
}

const quote = (s: string) => `"${s}"`;

export function errorHint(c: HintContext): string | undefined {
  const e = c.error ?? '';
  const who = c.anonymous ? 'no identity (the request carried no ID token)' : c.identity ? c.identity : 'the current credentials';
  const member = c.identity ? `${c.identity.endsWith('.gserviceaccount.com') ? 'serviceAccount' : 'user'}:${c.identity}` : 'user:YOU@example.com';
  const grant = `gcloud run services add-iam-policy-binding ${c.serviceId ?? 'SERVICE'}${c.region ? ` --region=${c.region}` : ''} --member=${member} --role=roles/run.invoker`;
  if (c.status === 401) {
    return `Cloud Run rejected the ID token of ${who} (wrong audience, expired, or not an ID token). The token's audience must be the service URL; sign in again with "gcloud auth application-default login" and retry.`;
  }
  if (c.status === 403 && !e.startsWith('{')) {
    if (c.anonymous) return `The service requires authentication and the request carried no ID token. Sign in ("gcloud auth application-default login") so the panel can attach one, or make the service public.`;
    return `Identity ${who} may not invoke this service: it needs roles/run.invoker on it. Grant it with: ${grant}`;
  }
  let m = /Servable not found for request: \w+\(([^,)]+)/.exec(e) ?? /Could not find any versions of model (\S+)/.exec(e);
  if (m) {
    const asked = m[1];
    return asked === c.modelName
      ? `The server has no model "${asked}" loaded: check the container's MODEL_NAME and that the model folder holds a numeric version folder with saved_model.pb.`
      : `Model name mismatch: the request asked for "${asked}" but the service serves MODEL_NAME "${c.modelName}".`;
  }
  m = /Could not find version (\S+) of model/.exec(e);
  if (m) return `Version ${m[1]} is not loaded; TF Serving serves the highest numeric version folder. Leave the version empty to call the latest.`;
  m = /does not have named input: (\S+)/.exec(e);
  if (m) return `${quote(m[1])} is not an input of signature ${c.signature ?? DEFAULT_SIGNATURE}${c.inputNames?.length ? ` (its inputs: ${c.inputNames.join(', ')})` : ''}.`;
  m = /Serving signature name: "([^"]*)" not found/.exec(e) ?? /No signature was found with the name: (\S+)/.exec(e);
  if (m) return `The model has no signature ${quote(m[1])}${c.signatureNames?.length ? `; it has ${c.signatureNames.join(', ')}` : ''}.`;
  m = /Op type not registered '([^']+)'/.exec(e);
  if (m) {
    const scann = m[1].startsWith('Scann>');
    return scann
      ? `The container lacks the ScaNN op ${m[1]}: redeploy with the Python server image (TensorFlow + scann), which loads ScaNN's ops before the model.`
      : `The serving binary lacks the custom op ${m[1]}: redeploy with a container that has it (the Python server with the op's package installed).`;
  }
  if (/Missing 'inputs' or 'instances' key/.test(e)) return 'The body needs "instances" (row form) or "inputs" (columnar form).';
  if (/Expecting (tensor size|shape)/.test(e)) return 'The instances do not all have the same shape (a ragged batch): give every instance values of the same length.';
  if (/JSON Parse error/.test(e)) return 'The body is not valid JSON.';
  if (/to float without loss of precision|unexpected JSON type|Unexpected element type/.test(e)) return 'A value does not match its input\'s dtype.';
  if (c.status === 404 && !e) return `Nothing answers this path: is the container TF Serving (port 8501, REST) and MODEL_NAME "${c.modelName}"?`;
  if (c.status === 413) return 'The request is over Cloud Run\'s 32 MiB limit: send fewer instances.';
  if (c.status === 429 || c.status === 503) {
    return `The service was unavailable${c.retries ? ` after ${c.retries} retr${c.retries === 1 ? 'y' : 'ies'}` : ''}: instances were starting (cold start) or max instances were busy. Retry, or raise min instances to keep one warm.`;
  }
  if (c.status === 504) return 'The request timed out at Cloud Run: the model may be slow on the first request, or the service timeout is too short.';
  return undefined;
}
