/**
 * Loads each feature's bundle on first use and registers it once. Until then the shell holds a
 * placeholder for each of the feature's commands and panel serializers; loading disposes them
 * and the feature registers the real ones (its register() is unchanged by this). Everything a
 * feature imports from common/, gcp/, serving/, protocol/ and features/shared/ lives in ONE
 * bundle, core.js, so classes (UserError, Session) and state (settings reported, the test-runner
 * flag) exist once whatever feature loaded first.
 */
import * as vscode from 'vscode';
import type * as agents from '../features/agents/register';
import type * as batch from '../features/batch/register';
import type * as deploy from '../features/deploy/register';
import type * as endpoints from '../features/endpoints/register';
import type * as explorer from '../features/explorer/register';
import type * as logs from '../features/logs/register';
import type * as predict from '../features/predict/register';
import type * as session from '../features/session/register';
import type { Services } from '../services';
import type * as core from './core';
import type { FeatureName } from './table';

export type ExplorerViews = explorer.ExplorerViews;

interface Modules {
  session: typeof session;
  explorer: typeof explorer;
  deploy: typeof deploy;
  logs: typeof logs;
  predict: typeof predict;
  agents: typeof agents;
  batch: typeof batch;
  endpoints: typeof endpoints;
}

export interface FeatureApis {
  session: ReturnType<typeof session.register>;
  explorer: ReturnType<typeof explorer.register>;
  deploy: ReturnType<typeof deploy.register>;
  logs: ReturnType<typeof logs.register>;
  predict: ReturnType<typeof predict.register>;
  agents: ReturnType<typeof agents.register>;
  batch: ReturnType<typeof batch.register>;
  endpoints: ReturnType<typeof endpoints.register>;
}

// In dist/ the bundles are files beside the shell; in the transpiled tree (out/, unit tests) they
// are the source modules. scripts/build.mjs marks both external, so neither is inlined.
const fromDist = /[\\/]dist[\\/][^\\/]+\.js$/.test(__filename);

const loadCore = (): typeof core => (fromDist ? require('./core.js') : require('./core'));

const BUNDLES: { [K in FeatureName]: () => Modules[K] } = {
  session: () => (fromDist ? require('./feature-session.js') : require('../features/session/register')),
  explorer: () => (fromDist ? require('./feature-explorer.js') : require('../features/explorer/register')),
  deploy: () => (fromDist ? require('./feature-deploy.js') : require('../features/deploy/register')),
  logs: () => (fromDist ? require('./feature-logs.js') : require('../features/logs/register')),
  predict: () => (fromDist ? require('./feature-predict.js') : require('../features/predict/register')),
  agents: () => (fromDist ? require('./feature-agents.js') : require('../features/agents/register')),
  batch: () => (fromDist ? require('./feature-batch.js') : require('../features/batch/register')),
  endpoints: () => (fromDist ? require('./feature-endpoints.js') : require('../features/endpoints/register')),
};

export class Features {
  private services?: Services;
  private readonly apis: Partial<FeatureApis> = {};
  private readonly placeholders = new Map<FeatureName, vscode.Disposable[]>();

  constructor(private readonly context: vscode.ExtensionContext, private readonly views: ExplorerViews) {}

  /** The shared services (output channel, logger, session, operations), built on first use. */
  core(): Services {
    return (this.services ??= loadCore().createServices(this.context));
  }

  /** A registration that stands in for one of `feature`'s until it loads. */
  placeholder(feature: FeatureName, d: vscode.Disposable): void {
    const list = this.placeholders.get(feature) ?? [];
    list.push(d);
    this.placeholders.set(feature, list);
    this.context.subscriptions.push(d);
  }

  isLoaded(feature: FeatureName): boolean {
    return feature in this.apis;
  }

  /** The feature, loaded and registered on first call (synchronously: require() is). */
  load<K extends FeatureName>(feature: K): FeatureApis[K] {
    if (feature in this.apis) return this.apis[feature] as FeatureApis[K];
    const services = this.core();
    for (const d of this.placeholders.get(feature) ?? []) d.dispose();
    this.placeholders.delete(feature);
    const t0 = performance.now();
    const api = this.register(feature, services);
    this.apis[feature] = api;
    services.logger.info(`loaded ${feature} in ${(performance.now() - t0).toFixed(1)} ms`);
    return api;
  }

  private register<K extends FeatureName>(feature: K, services: Services): FeatureApis[K] {
    const { context } = this;
    switch (feature) {
      case 'explorer': return BUNDLES.explorer().register(context, services, this.views) as FeatureApis[K];
      case 'session': return BUNDLES.session().register(context, services) as FeatureApis[K];
      case 'deploy': return BUNDLES.deploy().register(context, services) as FeatureApis[K];
      case 'logs': return BUNDLES.logs().register(context, services) as FeatureApis[K];
      case 'predict': return BUNDLES.predict().register(context, services) as FeatureApis[K];
      case 'agents': return BUNDLES.agents().register(context, services) as FeatureApis[K];
      case 'batch': return BUNDLES.batch().register(context, services) as FeatureApis[K];
      case 'endpoints': return BUNDLES.endpoints().register(context, services) as FeatureApis[K];
      default: throw new Error(`unknown feature ${String(feature)}`);
    }
  }
}
