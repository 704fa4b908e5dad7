import { strict as assert } from 'node:assert';
import { notificationText } from '../../src/common/notificationText';
import { buildImageCommand } from '../../src/serving/deploy/buildCommand';
import { failureSummary, missingImage } from '../../src/serving/deploy/failureMessage';

// The shape of Cloud Run's message for a revision whose container did not start.
const CLOUD_RUN = "Revision 'recs-00002-x7k' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8501 environment variable within the allocated timeout. Logs for this revision might contain more information.\n\nLogs URL: https://console.cloud.google.com/logs/viewer?project=p&resource=cloud_run_revision/service_name/recs/revision_name/recs-00002-x7k&advancedFilter=resource.type%3D%22cloud_run_revision%22%0Aresource.labels.revision_name%3D%22recs-00002-x7k%22\nFor more troubleshooting guidance, see https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start";

describe('deploy failure text for a notification', () => {
  it('keeps what failed, drops the console links and line breaks', () => {
    const s = failureSummary(CLOUD_RUN);
    assert.ok(s.startsWith("Revision 'recs-00002-x7k' is not ready and cannot serve traffic."), s);
    assert.ok(s.endsWith('Logs for this revision might contain more information.'), s);
    assert.doesNotMatch(s, /\n|Logs URL|troubleshooting guidance/);
  });

  it('a one-line message is left as it is; a long one is cut with an ellipsis', () => {
    assert.equal(failureSummary('Internal error encountered.'), 'Internal error encountered.');
    const long = failureSummary('x '.repeat(500), 100);
    assert.equal(long.length, 100);
    assert.ok(long.endsWith('…'));
  });

  it('a "Logs URL:" line right after the sentence (no blank line) is dropped too', () => {
    assert.equal(failureSummary('Container failed to start.\nLogs URL: https://x'), 'Container failed to start.');
  });

  it('every notification is one paragraph of bounded length', () => {
    assert.equal(notificationText('ML Serving: 14 UNAVAILABLE:\n  No connection established\n\n'), 'ML Serving: 14 UNAVAILABLE: No connection established');
    const long = notificationText('a'.repeat(2000));
    assert.equal(long.length, 600);
    assert.ok(long.endsWith('…'));
  });
});

describe('a missing serving image', () => {
  it('is recognised in Cloud Run\'s revision message, with the image reference', () => {
    // As gcloud and the Cloud Run API report it for an image the registry does not have.
    const msg = "Revision 'recs-00042-fow' is not ready and cannot serve traffic. Image 'us-central1-docker.pkg.dev/p/ml-serving/tf-serving-native:2.19.0' not found.";
    assert.equal(missingImage(msg), 'us-central1-docker.pkg.dev/p/ml-serving/tf-serving-native:2.19.0');
    assert.equal(missingImage(CLOUD_RUN), undefined, 'a container that failed to start is something else');
  });

  it('the Cloud Build command builds the routed container into the project and region, quoting paths', () => {
    assert.equal(
      buildImageCommand({ container: 'native', project: 'my-proj', region: 'europe-west4', deployDir: '/home/me/.vscode/extensions/ml-serving/deploy' }),
      'gcloud builds submit /home/me/.vscode/extensions/ml-serving/deploy/tf_serving_native --project=my-proj --config=/home/me/.vscode/extensions/ml-serving/deploy/tf_serving_native/cloudbuild.yaml --substitutions=_REGION=europe-west4',
    );
    const spaced = buildImageCommand({ container: 'python', project: 'p', region: 'us-central1', deployDir: "/Users/Ann O'Neil/ext/deploy/" });
    assert.equal(spaced, "gcloud builds submit '/Users/Ann O'\\''Neil/ext/deploy/tf_serving_python' --project=p --config='/Users/Ann O'\\''Neil/ext/deploy/tf_serving_python/cloudbuild.yaml' --substitutions=_REGION=us-central1");
  });
});
