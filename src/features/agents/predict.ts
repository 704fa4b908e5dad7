import * as vscode from 'vscode';
import type { Session } from '../shared/session';
import { predictOnce, predictUrl } from '../../gcp/predictCall';
import { MAX_REQUEST_BYTES, NATIVE_MAX_INSTANCES, validatePredictRequest } from '../../serving/predict/validate';
import { inputObject, SERVICE_HINT, Shown, str, text, ToolInputError } from './tool';
import { SERVICE_NAME, idOf } from '../../serving/resourceNames';

export const PREDICT_TOOL = 'mlServing_predict';

const MAX_ANSWER_CHARS = 4000;

function parse(input: unknown): { service: string; body: Record<string, unknown>; bodyText: string } {
  const o = inputObject(input, ['service', 'body']);
  const service = str(o, 'service', SERVICE_NAME, SERVICE_HINT, true);
  const body = o.body;
  const bodyText = JSON.stringify(body ?? null);
  const problems = validatePredictRequest(body, undefined, { sizeBytes: Buffer.byteLength(bodyText) });
  if (problems.length) throw new ToolInputError(`body.${problems[0].field}`.replace('body.body', 'body'), problems[0].message);
  const rows = (body as Record<string, unknown>).instances;
  if (Array.isArray(rows) && rows.length > NATIVE_MAX_INSTANCES) throw new ToolInputError('body.instances', `at most ${NATIVE_MAX_INSTANCES} instances per request`);
  if (Buffer.byteLength(bodyText) > MAX_REQUEST_BYTES) throw new ToolInputError('body', 'larger than Cloud Run accepts');
  return { service, body: body as Record<string, unknown>, bodyText };
}

/**
 * Sends one TF Serving REST predict request to a deployed service, after the user saw the URL and
 * the payload. It calls the model (billed, and may change state a model keeps), so it asks first.
 * The ID token goes only to the service's own URL, never into the result.
 */
export function predictTool(session: Session, shown = new Shown()): vscode.LanguageModelTool<unknown> {
  const target = async (service: string) => {
    const cloud = await session.cloud();
    const s = await cloud.run.getService(service);
    if (!s) throw new Error(`service: ${service} does not exist`);
    const t = predictUrl(s);
    if ('problem' in t) throw new Error(`service: ${t.problem}`);
    return { cloud, s, url: t.url };
  };
  return {
    async prepareInvocation(options) {
      const p = parse(options.input);
      const { url } = await target(p.service);
      const preview = p.bodyText.length > 1500 ? `${p.bodyText.slice(0, 1500)}… (${p.bodyText.length} characters)` : p.bodyText;
      const t = `POST ${url}\n${preview}`;
      shown.remember(options.input, t);
      return {
        invocationMessage: `Predicting with ${idOf(p.service)}`,
        confirmationMessages: { title: `Send a prediction request to ${idOf(p.service)}?`, message: new vscode.MarkdownString().appendCodeblock(t, 'text') },
      };
    },
    async invoke(options) {
      const p = parse(options.input);
      // Only after the user saw this request (VS Code calls invoke after the confirmation of prepareInvocation).
      if (shown.take(options.input) === undefined) throw new Error('Not confirmed: this tool sends a request only after the user confirmed it in VS Code.');
      const { cloud, s } = await target(p.service);
      const { status, text: answer, ms } = await predictOnce(cloud.apis, s, p.bodyText);
      const cut = answer.length > MAX_ANSWER_CHARS ? `${answer.slice(0, MAX_ANSWER_CHARS)}… (${answer.length} characters in all)` : answer;
      return text(`HTTP ${status} from ${s.id} in ${ms} ms:`, cut);
    },
  };
}
