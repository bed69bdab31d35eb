import type {
  IAuthenticateGeneric,
  Icon,
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IHttpRequestHelper,
  INodeProperties,
} from 'n8n-workflow';

/** The base URL without a trailing slash, so paths can be appended as they are. */
function apiBase(credentials: ICredentialDataDecryptedObject): string {
  return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

/**
 * A PeopleHub app token, exchanged for a short-lived JWT (`POST /v1/auth/application`). n8n keeps the
 * JWT in the hidden, expirable `sessionToken` and asks for a new one when a request answers 401, so a
 * workflow never sends the long-lived app token with each call.
 */
export class PeopleHubApi implements ICredentialType {
  name = 'peopleHubApi';

  displayName = 'PeopleHub API';

  icon: Icon = { light: 'file:../icons/peoplehub.svg', dark: 'file:../icons/peoplehub.dark.svg' };

  documentationUrl = 'https://github.com/peoplehub/peoplehub#the-credential';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: '',
      placeholder: 'https://peoplehub.example.com',
      description: 'Where your PeopleHub server answers, without /v1',
      required: true,
    },
    {
      displayName: 'App Token',
      name: 'appToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      placeholder: 'pha_…',
      description: 'The token of a PeopleHub app (Settings → Apps), shown once when the app is created',
      required: true,
    },
    {
      displayName: 'Session Token',
      name: 'sessionToken',
      type: 'hidden',
      typeOptions: { expirable: true, password: true },
      default: '',
    },
    {
      displayName: 'Ignore SSL Issues (Insecure)',
      name: 'ignoreSslIssues',
      type: 'boolean',
      default: false,
      description:
        'Whether to connect even if the server certificate cannot be verified, e.g. a self-signed one on a local server',
    },
  ];

  async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
    const answer = (await this.helpers.httpRequest({
      method: 'POST',
      url: `${apiBase(credentials)}/v1/auth/application`,
      body: { token: credentials.appToken },
      json: true,
      skipSslCertificateValidation: credentials.ignoreSslIssues === true,
    })) as { data: { token: string } };
    return { sessionToken: answer.data.token };
  }

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: {
        Authorization: '=Bearer {{$credentials.sessionToken}}',
      },
    },
  };

  // The exchange itself is the test: it succeeds only for a live app token at a PeopleHub server.
  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
      url: '/v1/auth/application',
      method: 'POST',
      body: { token: '={{$credentials.appToken}}' },
      skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
    },
  };
}
