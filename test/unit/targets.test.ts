// The one "what did the user click" resolver: tree nodes expose `target` with a kind tag, and
// every feature reads it structurally (no instanceof, so nodes cross bundles).
import { strict as assert } from 'node:assert';
import { ValidationError } from '../../src/common/errors';
import type { CloudRunService, ModelVersion, RegisteredModel, Revision, RunArtifact, TrainingRun } from '../../src/serving/domain';
import { revisionTarget, serviceTarget, targetIn, targetOf } from '../../src/features/shared/targets';

const run = { kind: 'pipeline', name: 'projects/p/locations/us-central1/pipelineJobs/run-1', id: 'run-1', region: 'us-central1', displayName: 'r', state: 'succeeded', rawState: 'PIPELINE_STATE_SUCCEEDED', labels: {}, artifacts: [] } as unknown as TrainingRun;
const artifact: RunArtifact = { type: 'tfx.PushedModel', task: 'Pusher', key: 'pushed_model', uri: 'gs://b/pushed/1' } as RunArtifact;
const version = { modelName: 'projects/p/locations/us-central1/models/7', displayName: 'ranking', versionId: '3', aliases: [], labels: {}, artifactUri: 'gs://b/m/3' } as unknown as ModelVersion;
const model = { name: 'projects/p/locations/us-central1/models/7', id: '7', region: 'us-central1', displayName: 'ranking', labels: {}, defaultVersion: version } as unknown as RegisteredModel;
const service = { name: 'projects/p/locations/us-central1/services/ranking', id: 'ranking', region: 'us-central1', state: 'ready' } as unknown as CloudRunService;
const revision = { name: 'projects/p/locations/us-central1/services/ranking/revisions/ranking-00002-abc', id: 'ranking-00002-abc', service: service.name, state: 'ready' } as unknown as Revision;

/** A node as the explorer builds it: its own fields plus a `target` getter. */
const node = (target: unknown) => ({ id: 'x', parent: undefined, view: () => ({}), get target() { return target; } });

function throwsField(f: () => unknown, field: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
    assert.equal(e.field, field);
    assert.ok(e.message.startsWith(`${field}: `), e.message);
    return true;
  });
}

describe('target resolver (features/shared/targets)', () => {
  it('reads each kind from a node', () => {
    assert.deepEqual(targetOf(node({ kind: 'run', run })), { kind: 'run', run });
    assert.deepEqual(targetOf(node({ kind: 'artifact', run, artifact })), { kind: 'artifact', run, artifact });
    assert.deepEqual(targetOf(node({ kind: 'model', model })), { kind: 'model', model });
    assert.deepEqual(targetOf(node({ kind: 'modelVersion', model, version })), { kind: 'modelVersion', model, version });
    assert.deepEqual(targetOf(node({ kind: 'service', service })), { kind: 'service', service });
    assert.deepEqual(targetOf(node({ kind: 'revision', service, revision })), { kind: 'revision', service, revision });
  });

  it('is not fooled by the shape of other arguments (no target: not a node)', () => {
    assert.equal(targetOf(undefined), undefined);
    assert.equal(targetOf('projects/p/locations/r/services/s'), undefined);
    assert.equal(targetOf({ service: 'projects/p/locations/r/services/s' }), undefined);
    // A node of the old shape (fields, no target) is not guessed at.
    assert.equal(targetOf({ service, revision }), undefined);
  });

  it('narrows by kind: a service command on a revision row, or a revision command on a service row', () => {
    assert.equal(targetIn(node({ kind: 'revision', service, revision }), 'service'), undefined);
    assert.equal(targetIn(node({ kind: 'service', service }), 'service')?.service, service);
    assert.equal(serviceTarget(node({ kind: 'revision', service, revision })), service);
    assert.equal(serviceTarget(node({ kind: 'model', model })), undefined);
    assert.equal(revisionTarget(node({ kind: 'service', service })), undefined);
    assert.equal(revisionTarget(node({ kind: 'revision', service, revision }))?.revision.id, 'ranking-00002-abc');
    assert.equal(targetIn(node({ kind: 'artifact', run, artifact }), 'run', 'artifact')?.kind, 'artifact');
  });

  it('junk targets are a ValidationError naming the field', () => {
    throwsField(() => targetOf(node(null)), 'target');
    throwsField(() => targetOf(node('service')), 'target');
    throwsField(() => targetOf(node({ service })), 'target.kind');
    throwsField(() => targetOf(node({ kind: 'services', service })), 'target.kind');
    throwsField(() => targetOf(node({ kind: 'service' })), 'target.service');
    throwsField(() => targetOf(node({ kind: 'service', service: { ...service, name: 42 } })), 'target.service.name');
    throwsField(() => targetOf(node({ kind: 'revision', service, revision: { ...revision, id: '' } })), 'target.revision.id');
    throwsField(() => targetOf(node({ kind: 'run', run: { ...run, state: undefined } })), 'target.run.state');
    throwsField(() => targetOf(node({ kind: 'artifact', run, artifact: {} })), 'target.artifact.uri');
    throwsField(() => targetOf(node({ kind: 'model', model: [] })), 'target.model.name');
    throwsField(() => targetOf(node({ kind: 'modelVersion', model, version: { ...version, versionId: 3 } })), 'target.version.versionId');
    // The narrowing helpers validate too: a malformed node is an error, not "some other kind".
    throwsField(() => serviceTarget(node({ kind: 'service', service: 'ranking' })), 'target.service');
  });
});
