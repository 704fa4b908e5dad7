/**
 * The human-readable report of an inspection: `ml-serving inspect` prints it (its --json form is
 * the inspection itself) and the agents' inspect tool answers with it. Pure.
 */
import { describeOpSource } from './customOps';
import { isServable, type ModelInspection, type TensorSummary } from './inspection';

const FORMATS: Record<ModelInspection['format'], string> = {
  saved_model: 'SavedModel',
  tflite: 'TensorFlow Lite (not servable by TF Serving)',
  session_bundle: 'legacy SessionBundle (not servable by TF Serving)',
  unknown: 'unknown',
};

const CONTAINERS: Record<ModelInspection['container'], string> = {
  native: 'native TF Serving (tensorflow/serving:2.19.0)',
  python: 'Python server (TensorFlow + custom op packages)',
  none: 'none: the model cannot be served',
};

export function formatShape(shape: number[] | null): string {
  if (shape === null) return 'unknown rank';
  if (shape.length === 0) return 'scalar';
  return `[${shape.join(', ')}]`;
}

export function formatReport(ins: ModelInspection): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(12)}${value}`);
  row('Model', ins.path);
  row('Format', FORMATS[ins.format]);
  if (ins.versions.length > 0) row('Versions', `${ins.versions.join(', ')} (TF Serving serves ${ins.version})`);
  else row('Versions', 'none (no numeric version folder)');
  if (ins.modelDir) row('Model dir', ins.modelDir);
  for (const mg of ins.metaGraphs) {
    row('Meta graph', `tags [${mg.tags.join(', ')}]${mg.tensorflowVersion ? `, TensorFlow ${mg.tensorflowVersion}` : ''}`);
  }

  const sigs = Object.entries(ins.signatures);
  if (sigs.length > 0) {
    lines.push('', 'Signatures (meta graph "serve")');
    for (const [key, sig] of sigs) {
      lines.push(`  ${key}  (${sig.method || 'no method name'})`);
      const tensor = (dir: string, name: string, t: TensorSummary) => lines.push(`    ${dir} ${name}: ${t.dtype} ${formatShape(t.shape)}`);
      for (const [name, t] of Object.entries(sig.inputs)) tensor('in ', name, t);
      for (const [name, t] of Object.entries(sig.outputs)) tensor('out', name, t);
    }
  }

  if (ins.format === 'saved_model' && ins.metaGraphs.length > 0) {
    lines.push('', `Ops         ${ins.ops.length} op types`);
    if (ins.customOps.length === 0) lines.push('Custom ops  none');
    else {
      lines.push('Custom ops');
      for (const c of ins.customOps) {
        const from = c.package ? `${c.library}, pip ${c.package}` : 'unknown package';
        const where = c.where.slice(0, 3).map(describeOpSource).join('; ') + (c.where.length > 3 ? `; +${c.where.length - 3} more` : '');
        lines.push(`  ${c.op}  (${from})`, `    in ${where}`);
      }
    }
  }

  lines.push('', `Container   ${CONTAINERS[ins.container]}`);
  for (const r of ins.reasons) lines.push(`  - ${r}`);
  if (ins.warnings.length > 0) {
    lines.push('', 'Warnings');
    for (const w of ins.warnings) lines.push(`  ! ${w}`);
  }
  if (ins.errors.length > 0) {
    lines.push('', 'Errors');
    for (const e of ins.errors) lines.push(`  x ${e}`);
  }
  const verdict = isServable(ins) ? `yes (${ins.container})` : ins.errorCode === 'container-will-fail' ? `no (not in the forced ${ins.container} container)` : 'no';
  lines.push('', `Servable: ${verdict}`);
  return lines.join('\n') + '\n';
}
