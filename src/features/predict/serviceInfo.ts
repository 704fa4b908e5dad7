/** What the panel needs to know about a Cloud Run service. No vscode import. */
import type { ServiceInfo } from '../../protocol/predict';
import type { CloudRunService } from '../../serving/domain';

export function serviceInfo(s: CloudRunService): ServiceInfo {
  return {
    kind: 'service',
    name: s.name,
    id: s.id,
    region: s.region,
    uri: s.uri,
    // The deploy flow sets MODEL_NAME; TF Serving's own default is "model".
    modelName: s.env.MODEL_NAME || 'model',
    // A public service may also be public through an allUsers binding we cannot see without IAM
    // read access; sending a token to a public service is harmless, so only the switch counts.
    authenticated: !s.invokerIamDisabled,
    state: s.state,
  };
}
