/**
 * Test Prediction on a Vertex AI endpoint: the same panel as a Cloud Run service (form from the
 * signature, validation, saved payloads, curl, benchmark), with the endpoint as its target.
 * Returns the panel so in-host tests can drive it.
 */
import { UserError } from '../../../common/errors';
import { inspectGcsModel } from '../../../gcp/modelInspector';
import type { CloudRunService } from '../../../serving/domain';
import type { PredictPanel } from '../../predict/panelHost';
import type { PredictPanels } from '../../predict/panels';
import { endpointsApi } from '../api';
import type { EndpointDeps } from '../deps';
import { EndpointPredictionTarget } from '../predictionTarget';
import { resolveEndpoint } from '../resolve';

export function testEndpointPrediction({ session }: EndpointDeps, panels: () => PredictPanels | undefined) {
  return async (arg?: unknown): Promise<PredictPanel> => {
    const cloud = await session.cloud();
    const endpoint = await resolveEndpoint(arg, cloud);
    if (!endpoint.deployedModels.length) throw new UserError(`Endpoint ${endpoint.displayName} has no deployed models to answer.`, 'Deploy a model version to it first.');
    const target = new EndpointPredictionTarget(endpointsApi(cloud), endpoint, async d => {
      const v = (await cloud.vertex.listModelVersions(d.model)).find(x => x.versionId === d.modelVersionId);
      if (!v?.artifactUri) throw new UserError(`${d.model}@${d.modelVersionId} has no artifact to read the signatures from.`);
      return (await inspectGcsModel(cloud.clients, v.artifactUri, { labels: v.labels })).signatures;
    });
    // The panel knows services; an endpoint is shown as one whose URL is its REST resource.
    const asService: CloudRunService = {
      name: endpoint.name, id: endpoint.displayName || endpoint.id, region: endpoint.region,
      uri: `https://${endpoint.region}-aiplatform.googleapis.com/v1/${endpoint.name}`, state: 'ready', labels: {},
      traffic: [], trafficStatuses: [], reconciling: false, env: { MODEL_NAME: 'model' }, invokerIamDisabled: false,
    };
    const p = panels();
    if (!p) throw new Error('the Test Prediction panels are not registered');
    return p.show(asService, target);
  };
}
