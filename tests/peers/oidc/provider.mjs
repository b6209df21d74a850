// A real OpenID Connect provider (node-oidc-provider) for the single sign-on tests.
// Usage: node provider.mjs PORT CONFIG_JSON, where CONFIG_JSON is
// {"client": {client metadata}, "accounts": {"<login>": {claims}}}.
// Its development login form accepts any password for a known login.
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const { client, accounts } = JSON.parse(process.argv[3]);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [client],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // Put the claims of the granted scopes in the ID token itself, as many providers do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['watchkeeper-test-only'] },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});

provider.listen(port, '127.0.0.1', () => console.log(`oidc provider ready on ${port}`));
