/**
 * Container stderr lines in the shape TF Serving prints while it loads a model and opens its ports
 * (glog prefix, source file, message), so log tailing shows what a real cold start shows.
 */

function glog(now: Date, level: 'I' | 'W' | 'E', source: string, message: string): string {
  const ts = now.toISOString().replace('T', ' ').replace('Z', '') + '000';
  return `${ts}: ${level} ${source}] ${message}`;
}

export function loadingLines(now: Date, modelName: string, basePath: string): string[] {
  return [
    glog(now, 'I', 'tensorflow_serving/model_servers/server.cc:77', `Building single TensorFlow model file config:  model_name: ${modelName} model_base_path: ${basePath}`),
    glog(now, 'I', 'tensorflow_serving/model_servers/server_core.cc:474', 'Adding/updating models.'),
    glog(now, 'I', 'tensorflow_serving/model_servers/server_core.cc:603', ` (Re-)adding model: ${modelName}`),
  ];
}

export function loadedLines(now: Date, modelName: string, basePath: string, version: string, tookMicros: number): string[] {
  const servable = `{name: ${modelName} version: ${version}}`;
  return [
    glog(now, 'I', 'tensorflow_serving/core/basic_manager.cc:740', `Successfully reserved resources to load servable ${servable}`),
    glog(now, 'I', 'tensorflow_serving/core/loader_harness.cc:74', `Loading servable version ${servable}`),
    glog(now, 'I', 'external/org_tensorflow/tensorflow/cc/saved_model/reader.cc:83', `Reading SavedModel from: ${basePath}/${version}`),
    glog(now, 'I', 'external/org_tensorflow/tensorflow/cc/saved_model/loader.cc:466', `SavedModel load for tags { serve }; Status: success: OK. Took ${tookMicros} microseconds.`),
    glog(now, 'I', 'tensorflow_serving/core/loader_harness.cc:95', `Successfully loaded servable version ${servable}`),
  ];
}

export function listeningLines(now: Date, httpPort: number): string[] {
  return [
    glog(now, 'I', 'tensorflow_serving/model_servers/server_core.cc:495', 'Finished adding/updating models'),
    glog(now, 'I', 'tensorflow_serving/model_servers/server.cc:423', 'Running gRPC ModelServer at 0.0.0.0:8500 ...'),
    glog(now, 'I', 'tensorflow_serving/model_servers/server.cc:444', `Exporting HTTP/REST API at:localhost:${httpPort} ...`),
    `[evhttp_server.cc : 250] NET_LOG: Entering the event loop ...`,
  ];
}
