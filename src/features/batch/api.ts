/** One BatchPredictionApi per session's clients (a session reset makes new clients, so a new API). */
import type { CloudContext } from '../../common/session';
import { batchPredictionApi, type BatchPredictionApi } from '../../gcp/batchPrediction';

const apis = new WeakMap<object, BatchPredictionApi>();

export function batchApiOf(cloud: CloudContext): BatchPredictionApi {
  let a = apis.get(cloud.clients);
  if (!a) { a = batchPredictionApi(cloud.clients); apis.set(cloud.clients, a); }
  return a;
}
