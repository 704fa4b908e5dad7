/** Where TF Serving reads warm-up requests, under a model version's folder. No encoder here: deploy only checks it exists. */
export const WARMUP_FILE = 'assets.extra/tf_serving_warmup_requests';
