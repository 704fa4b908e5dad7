// The SavedModel reader (protobufjs and its schema): only deploy and register need it, so it is a
// bundle of its own, required on first use like the Google clients.
export { inspectModelFolder } from '../../serving/savedModel/inspect';
export { gcsFileSource } from '../storageSource';
