// google-auth-library: Application Default Credentials and ID tokens.
export { GoogleAuth } from 'google-auth-library';
