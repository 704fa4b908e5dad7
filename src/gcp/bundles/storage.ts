// Cloud Storage JSON API client.
export { Storage } from '@google-cloud/storage';
