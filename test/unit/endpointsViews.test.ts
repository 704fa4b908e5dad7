import { strict as assert } from 'node:assert';
import { deployedModelView, endpointView } from '../../src/features/explorer/present/endpointView';
import { modelVersionView } from '../../src/features/explorer/present/modelView';
import { describeEndpointServing, endpointLogFilter, endpointsServing, type VertexEndpoint } from '../../src/serving/endpoints/types';
import { toEndpoint } from '../../src/gcp/vertexEndpoints';

const MODEL = 'projects/p/locations/us-central1/models/42';
const endpoint: VertexEndpoint = toEndpoint({
  name: 'projects/p/locations/us-central1/endpoints/777', displayName: 'ranking', labels: {}, etag: 'e1',
  trafficSplit: { '1': 90, '2': 10 },
  deployedModels: [
    { id: '1', model: MODEL, modelVersionId: '1', displayName: 'recsys-ranking', dedicatedResources: { machineSpec: { machineType: 'n1-standard-2' }, minReplicaCount: 1, maxReplicaCount: 3 }, status: { availableReplicaCount: 1 } },
    { id: '2', model: MODEL, modelVersionId: '2', displayName: 'recsys-ranking', dedicatedResources: { machineSpec: { machineType: 'n1-standard-4', acceleratorType: 'NVIDIA_TESLA_T4', acceleratorCount: 1 }, minReplicaCount: '2', maxReplicaCount: '2' }, status: { availableReplicaCount: 2 } },
  ],
});

describe('endpoints: tree presentation', function () {
  it('normalises the client message (int64 strings, enum names)', function () {
    assert.equal(endpoint.id, '777');
    assert.equal(endpoint.region, 'us-central1');
    assert.deepEqual(endpoint.trafficSplit, { '1': 90, '2': 10 });
    assert.equal(endpoint.deployedModels[1].minReplicas, 2);
    assert.equal(endpoint.deployedModels[1].acceleratorType, 'NVIDIA_TESLA_T4');
  });

  it('an endpoint shows its deployed models, readiness and console link', function () {
    const v = endpointView(endpoint, 'p');
    assert.equal(v.label, 'ranking');
    assert.equal(v.description, '2 deployed models · us-central1');
    assert.equal(v.contextValue, 'mlServing.endpoint.serving');
    assert.match(v.tooltip!, /console\.cloud\.google\.com\/vertex-ai\/online-prediction\/locations\/us-central1\/endpoints\/777\?project=p/);
    const empty = endpointView({ ...endpoint, deployedModels: [], trafficSplit: {} }, 'p');
    assert.equal(empty.contextValue, 'mlServing.endpoint.empty');
  });

  it('a deployed model shows name, version, traffic, machine, accelerator and replicas', function () {
    const a = deployedModelView(endpoint, endpoint.deployedModels[0]);
    assert.equal(a.label, 'recsys-ranking v1');
    assert.equal(a.description, '90% · n1-standard-2 · 1–3 replicas');
    assert.equal(a.contextValue, 'mlServing.deployedModel.serving');
    const b = deployedModelView(endpoint, endpoint.deployedModels[1]);
    assert.equal(b.description, '10% · n1-standard-4 + 1× NVIDIA T4 · 2 replicas');
    const only = deployedModelView({ ...endpoint, trafficSplit: { '1': 100 } }, endpoint.deployedModels[0]);
    assert.equal(only.contextValue, 'mlServing.deployedModel.serving.last');
    const idle = deployedModelView({ ...endpoint, trafficSplit: { '1': 100 } }, endpoint.deployedModels[1]);
    assert.equal(idle.contextValue, 'mlServing.deployedModel.idle');
  });

  it('a model version deployed to an endpoint says "serving: endpoint X 90%"', function () {
    const served = describeEndpointServing(endpointsServing([endpoint], MODEL, '1'));
    assert.deepEqual(served, ['endpoint ranking 90%']);
    const v = modelVersionView({ modelName: MODEL, displayName: 'recsys-ranking', versionId: '1', aliases: [], labels: {}, artifactUri: 'gs://b/m/1' }, [], Date.now(), served);
    assert.match(v.description!, /serving: endpoint ranking 90%/);
    assert.equal(v.contextValue, 'mlServing.modelVersion.serving');
    assert.deepEqual(endpointsServing([endpoint], MODEL, '3'), []);
  });

  it('filters an endpoint\'s logs by endpoint and deployed model', function () {
    assert.equal(endpointLogFilter(endpoint, '2'), 'resource.type="aiplatform.googleapis.com/Endpoint"\nresource.labels.endpoint_id="777"\nresource.labels.location="us-central1"\nresource.labels.deployed_model_id="2"');
  });
});
