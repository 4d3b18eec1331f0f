/**
 * PhixFlow tokens for the scenarios: taken from the fixtures, or minted through the proxy with the
 * flowmock extension CreatePhixFlowToken when an admin key is known.
 */
import type { ScenarioContext, Target } from '../context.js';
import { apiKey, expectStatus } from '../scenario-kit.js';

export async function mintPhixflowTokens(ctx: ScenarioContext, target: Target): Promise<void> {
  const fx = target.fixtures;
  if (!fx.keys.admin) return;
  const admin = target.strict.as(apiKey(fx.keys.admin));
  const wanted: Array<['privileged' | 'unprivileged' | 'admin', string]> = [
    ['privileged', fx.phixflow.users.privileged],
    ['unprivileged', fx.phixflow.users.unprivileged],
    ['admin', fx.phixflow.users.admin],
  ];
  for (const [slot, user] of wanted) {
    if (fx.phixflow.tokens[slot]) continue;
    const { data, response } = await admin.POST('/__flowmock/phixflow/tokens', { body: { user, expiresIn: '1h' } });
    if (response.status === 404 && ctx.kind === 'external') return; // not a flowmock server: tokens must come from the fixtures
    if (expectStatus(ctx, response, 201, `mint a PhixFlow token for ${user}`) && data) fx.phixflow.tokens[slot] = data.token;
  }
}
