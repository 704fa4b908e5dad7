import { strict as assert } from 'node:assert';
import { notificationText } from '../../src/common/notificationText';
import { failureSummary } from '../../src/serving/deploy/failureMessage';

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
