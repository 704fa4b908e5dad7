/**
 * What Cloud Run's front end (not the container) answers and logs: the Google Front End's HTML
 * error pages for 401/403/503, and the text of the request-log entries Cloud Run writes for them.
 */

function gfePage(code: number, title: string, h2: string): string {
  return `<html><head>\n<meta http-equiv="content-type" content="text/html;charset=utf-8">\n<title>${code} ${title}</title>\n</head>\n<body text=#000000 bgcolor=#ffffff>\n<h1>Error: ${title}</h1>\n<h2>${h2}</h2>\n<h2></h2>\n</body></html>\n`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** No credentials, or credentials of someone who may not invoke. */
export const forbiddenPage = (path: string) =>
  gfePage(403, 'Forbidden', `Your client does not have permission to get URL <code>${esc(path)}</code> from this server.`);

/** A bearer token that does not verify (signature, audience, expiry). */
export const unauthorizedPage = (path: string) =>
  gfePage(401, 'Unauthorized', `Your client does not have permission to the requested URL <code>${esc(path)}</code>.`);

export const unavailablePage = () =>
  gfePage(503, 'Service Unavailable', 'The service you requested is not available yet. Please try again in 30 seconds.');

export const LOG_UNAUTHENTICATED = 'The request was not authenticated. Either allow unauthenticated invocations or set the proper Authorization header. Read more at https://cloud.google.com/run/docs/securing/authenticating Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#unauthorized-client';
export const LOG_UNAUTHORIZED = 'The request was not authorized to invoke this service. Read more at https://cloud.google.com/run/docs/securing/authenticating Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#403';
export const LOG_MALFORMED = 'The request failed because either the HTTP response was malformed or connection to the instance had an error. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error';
