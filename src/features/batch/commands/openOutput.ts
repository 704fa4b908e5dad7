/**
 * Open Output on a finished batch job: the first predictions as the ranked top-K tables Test
 * Prediction shows, and the error file's lines, in a read-only markdown preview.
 */
import * as vscode from 'vscode';
import { UserError, ValidationError } from '../../../common/errors';
import type { Session } from '../../shared/session';
import { hasOutput, progressText, stateLabel } from '../../../serving/batch/job';
import { previewMarkdown } from '../../../serving/batch/results';
import { duration } from '../../../serving/duration';
import { targetIn } from '../../shared/targets';
import type { BatchOutputDocs } from '../outputDocs';
import { fileNameOf } from '../../../serving/resourceNames';

const FIRST_PREDICTIONS = 20;
const FIRST_ERRORS = 50;

export function openOutput(session: Session, docs: BatchOutputDocs) {
  return async (arg?: unknown) => {
    const name = targetIn(arg, 'batchJob')?.job.name ?? arg;
    if (typeof name !== 'string' || !/^projects\/[^/]+\/locations\/[^/]+\/batchPredictionJobs\/[^/]+$/.test(name)) {
      throw new ValidationError('job', 'Open Output runs on a batch job (projects/P/locations/R/batchPredictionJobs/ID)');
    }
    const api = (await session.cloud()).apis.batch;
    const job = await api.getJob(name);
    if (!hasOutput(job)) throw new UserError(`"${job.displayName}" has no output yet (${stateLabel(job.state)}).`, job.error ? `Its error: ${job.error}` : 'Open it again once it has finished.');
    const out = await api.readOutput(job.outputDirectory!, { results: FIRST_PREDICTIONS, errors: FIRST_ERRORS }, job.outputTable);
    const summary = [
      `${stateLabel(job.state)}: ${progressText(job)}${job.endTime ? ` in ${duration(job.startTime ?? job.createTime, job.endTime)}` : ''}`,
      `Model: \`${job.model}\``,
      `Input: ${job.inputUris.map(u => `\`${u}\``).join(', ')}`,
      ...(job.error ? [`Error: ${job.error}`] : []),
      job.outputDirectory!.startsWith('bq://')
        ? `Tables: ${out.files.map(f => `\`${f.replace(/^bq:\/\//, '')}\``).join(', ') || 'none'}`
        : `Files: ${out.files.map(f => `\`${fileNameOf(f)}\``).join(', ') || 'none'}`,
      ...out.unreadable.map(u => `Unreadable: ${u}`),
    ];
    const text = previewMarkdown({
      title: `Batch job ${job.displayName}`, outputDirectory: job.outputDirectory!, summary,
      results: out.results, errors: out.errors, totalResults: job.successful, totalErrors: job.failed,
    });
    const uri = docs.put(`${job.id}-output`, text);
    await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, async () => vscode.window.showTextDocument(uri, { preview: true }));
    return { uri: uri.toString(), markdown: text, results: out.results, errors: out.errors, files: out.files };
  };
}
