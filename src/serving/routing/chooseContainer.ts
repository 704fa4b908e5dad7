/**
 * Picks the serving container for a model from the custom ops its graph uses. The graph is the
 * proof; a model label such as `retrieval_algorithm=scann` is only a hint that is cross-checked.
 */
import { describeOpSource, stockLibraryOps, type CustomOpUse } from '../savedModel/customOps';

export type ContainerKind = 'native' | 'python';
export type ContainerChoice = ContainerKind | 'none';

export interface RoutingInput {
  /** Custom ops found in the served meta graph (customOps.findCustomOps). */
  customOps: readonly CustomOpUse[];
  /** Every op type of the served graph; used to name the stock extra-library ops it relies on. */
  ops?: readonly string[];
  /** Non-empty when the model cannot be served at all. */
  errors?: readonly string[];
}

export interface RoutingOptions {
  /** Model labels (Vertex AI Model Registry); only hints. */
  labels?: Record<string, string>;
  /** The user's explicit choice; honoured, with a warning when it will fail or cost more. */
  override?: ContainerKind;
}

export interface RoutingDecision {
  container: ContainerChoice;
  /** Why, in sentences a user can read. */
  reasons: string[];
  warnings: string[];
  /** pip packages the Python server needs for the custom ops (empty for native). */
  pythonPackages: string[];
  /** Modules the Python server imports before loading the model, so the ops are registered. */
  pythonModules: string[];
  /** Set when the chosen (forced) container is known to fail to load the model: why. */
  willFail?: string;
}

const NATIVE = 'native TF Serving (tensorflow/serving:2.19.0)';
const MAX_PLACES = 3;

/** "Scann>ScannSearchBatched in library function __inference_x" (places capped, rest counted). */
export function describeOpUse(use: CustomOpUse): string {
  if (use.where.length === 0) return use.op;
  const places = use.where.slice(0, MAX_PLACES).map(describeOpSource).join(', ');
  const more = use.where.length > MAX_PLACES ? ` and ${use.where.length - MAX_PLACES} more` : '';
  return `${use.op} in ${places}${more}`;
}

export function chooseContainer(input: RoutingInput, opts: RoutingOptions = {}): RoutingDecision {
  const decision: RoutingDecision = { container: 'none', reasons: [], warnings: [], pythonPackages: [], pythonModules: [] };
  if (input.errors && input.errors.length > 0) {
    decision.reasons.push('no container can serve the model as it is (see the errors)');
    return decision;
  }
  const custom = input.customOps;
  const scann = custom.filter(u => u.set?.id === 'scann');
  checkRetrievalLabel(opts.labels, scann.length > 0, decision);

  if (custom.length === 0) {
    decision.reasons.push('no custom ops; TF Serving 2.19 runs every op in the graph');
    for (const g of stockLibraryOps(input.ops ?? [])) {
      const named = g.ops.length > 4 ? `${g.ops.slice(0, 4).join(', ')} and ${g.ops.length - 4} more` : g.ops.join(', ');
      decision.reasons.push(`its ${g.library} ops (${named}) are linked into the stock TF Serving binary`);
    }
    if (opts.override === 'python') {
      decision.container = 'python';
      decision.reasons.push('container set to python by override');
      decision.warnings.push(`override: the Python server is not needed for this model; ${NATIVE} would serve it faster, with a shorter cold start and less memory`);
    } else {
      decision.container = 'native';
    }
    return decision;
  }

  for (const use of custom) {
    const what = use.set ? `${use.set.library} op, not in the stock TF Serving binary` : `namespace ${use.op.split('>')[0]}> is not in the stock TF Serving binary`;
    decision.reasons.push(`${describeOpUse(use)} (${what})`);
  }
  const sets = [...new Map(custom.filter(u => u.set).map(u => [u.set!.id, u.set!])).values()];
  decision.pythonPackages = sets.map(s => s.pythonPackage);
  decision.pythonModules = sets.map(s => s.pythonModule);
  const unknown = custom.filter(u => !u.set);

  if (opts.override === 'native') {
    decision.container = 'native';
    decision.reasons.push('container set to native by override');
    const first = custom[0].op;
    const fails = `${NATIVE} will fail to load this model with "Op type not registered '${first}' in binary running on ..."` +
      (custom.length > 1 ? ` (custom ops: ${custom.map(u => u.op).join(', ')})` : '');
    decision.warnings.push(`override: ${fails}`);
    decision.willFail = fails;
    return decision;
  }

  decision.container = 'python';
  for (const s of sets) {
    if (s.id === 'scann') {
      decision.reasons.push(`the Python server (same TF Serving REST API) imports ${s.pythonModule} before loading the model, which registers the ScaNN ops`);
    } else {
      decision.reasons.push(`the Python server (same TF Serving REST API) must import ${s.pythonModule} before loading the model, which registers the ${s.library} ops`);
      decision.warnings.push(`the Python server image needs the pip package ${s.pythonPackage} (for ${custom.filter(u => u.set?.id === s.id).map(u => u.op).join(', ')}); without it loading fails with "Op type not registered"`);
    }
  }
  if (opts.override === 'python') decision.reasons.push('container set to python by override');
  if (unknown.length > 0) {
    const namespaces = [...new Set(unknown.map(u => u.op.split('>')[0] + '>'))];
    decision.warnings.push(
      `no known Python package provides ${unknown.map(u => u.op).join(', ')}: the Python server image needs the package that registers namespace ${namespaces.join(', ')} and must import it before loading, or loading fails with "Op type not registered"`,
    );
  }
  return decision;
}

const RETRIEVAL_LABEL = 'retrieval_algorithm';

function checkRetrievalLabel(labels: Record<string, string> | undefined, hasScannOps: boolean, decision: RoutingDecision): void {
  const value = labels?.[RETRIEVAL_LABEL];
  if (value === undefined) return;
  const saysScann = value.trim().toLowerCase() === 'scann';
  if (saysScann && hasScannOps) {
    decision.reasons.push(`the label ${RETRIEVAL_LABEL}=${value} agrees with the graph`);
  } else if (saysScann && !hasScannOps) {
    decision.warnings.push(`the label ${RETRIEVAL_LABEL}=${value} says ScaNN, but the graph has no Scann> ops; the graph decides, so the label is ignored`);
  } else if (!saysScann && hasScannOps) {
    decision.warnings.push(`the label ${RETRIEVAL_LABEL}=${value} disagrees with the graph, which uses Scann> ops; the graph decides`);
  }
}
