// node oidc-provider 9.x on 127.0.0.1 for implicitspec: plain http, devInteractions
// (built-in server-rendered login and consent pages). Test fixture: throwaway keys.
//
// oidc-provider supports the OpenID Connect implicit types ("id_token token",
// id_token) but refuses plain response_type=token by design: putting 'token' in
// responseTypes makes new Provider() throw "unsupported response type: token",
// and a request for it gets error=unsupported_response_type.
import Provider from 'oidc-provider';

const PORT = Number(process.env.PORT || 3000);
const ISSUER = `http://127.0.0.1:${PORT}`;
const CB = 'http://127.0.0.1:8080/cb'; // nothing listens there: the harness never enters it

const configuration = {
  clients: [
    {
      client_id: 'implicit-web',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['implicit'],
      response_types: ['id_token token', 'id_token'],
      redirect_uris: [CB],
    },
    {
      client_id: 'implicit-two',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['implicit'],
      response_types: ['id_token token', 'id_token'],
      redirect_uris: [CB, 'http://127.0.0.1:8080/cb2'],
    },
    {
      // a client NOT allowed the implicit grant
      client_id: 'code-only',
      client_secret: 'code-only-secret-not-secret',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [CB],
    },
  ],
  responseTypes: ['id_token token', 'id_token', 'code'],
  scopes: ['openid', 'profile', 'email'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
  cookies: { keys: ['implicitspec-dev-only-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id, name: `User ${id}`, email: `${id}@example.test` }; } };
  },
  ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
};

const provider = new Provider(ISSUER, configuration);

// web clients using the implicit grant must register https, non-localhost
// redirect URIs; the schema reports both rules through invalidate(message, code),
// the documented escape hatch. Everything here is loopback http.
const orig = provider.Client.Schema.prototype.invalidate;
provider.Client.Schema.prototype.invalidate = function invalidate(message, code) {
  if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
  orig.call(this, message, code);
};

provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.on('authorization.error', (ctx, err) => console.error('authorization.error', err.error, err.error_description));

const server = provider.listen(PORT, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${ISSUER}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
