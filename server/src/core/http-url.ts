// Which URLs a client may give the server to call (a webhook, HiBob's base URL): read with the
// WHATWG parser, the one every outgoing request uses, and held to the scheme the operator allows.
import { problems } from './problem';
import { VARIABLES } from './variables';

export interface UrlRules {
  /** The field's JSON pointer in the body, for the error: `/url`, `/baseUrl`. */
  path: string;
  /** Whether http:// is allowed too (PEOPLEHUB_ALLOW_HTTP_WEBHOOKS, for development). */
  allowHttp: boolean;
  /** A base URL that paths are appended to: a query or fragment would end up in the wrong place. */
  base?: boolean;
}

/**
 * Parses a URL from a request body with the WHATWG parser, the one every outgoing request uses, so a
 * URL it cannot read (`https://[::1`, port 99999, a bad %-escape in the host) is a 400 naming the
 * field here, not an exception later. Returns the URL as the parser writes it.
 */
export function checkHttpUrl(text: string, rules: UrlRules): string {
  const refuse = (message: string) => problems.validation([{ location: 'body', path: rules.path, message }]);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('is not a valid URL: check the host name, the port (1–65535) and any %-escapes');
  }
  if (url.protocol !== 'https:' && !(rules.allowHttp && url.protocol === 'http:')) {
    throw refuse(
      rules.allowHttp
        ? 'must be an http:// or https:// URL'
        : `must be an https:// URL (an operator can allow http:// with ${VARIABLES.allowHttpWebhooks}=true, ` +
            `or with ${VARIABLES.dev}=true for development, which also lets webhooks reach loopback and private addresses)`,
    );
  }
  if (url.username !== '' || url.password !== '') throw refuse('must not carry a user name or password');
  // The parser accepts port 0, which no connection can use.
  if (url.port === '0') throw refuse('must not use port 0');
  if (rules.base && (url.search !== '' || url.hash !== ''))
    throw refuse('must be a base URL, without a query (?) or fragment (#)');
  return url.href;
}
