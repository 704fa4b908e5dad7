// BigQuery REST v2 client (Batch Predict's BigQuery input and output), and the OAuth2Client the
// emulator connection authorizes it with.
export { BigQuery } from '@google-cloud/bigquery';
export { OAuth2Client } from 'google-auth-library';
