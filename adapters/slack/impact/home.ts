/** The compliance dashboard on the App Home, for members of compliance; everyone else's home is unchanged. */
import type { types } from '@slack/bolt';
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import { LIMITS, divider } from '../blocks';
import { dashboardBlocks } from './render';

/** The home view with the compliance dashboard on top when the person is in compliance. */
export async function withDashboard(ctx: FlowContext, home: types.HomeView): Promise<types.HomeView> {
  if (!flows.isCompliance(ctx)) return home;
  const d = await flows.complianceDashboard(ctx);
  if ('kind' in d) return home;
  const top = dashboardBlocks(flows.dashboardSections(d, ctx.deps.policy.organization.timezone));
  return { ...home, blocks: [...top, divider(), ...home.blocks].slice(0, LIMITS.viewBlocks) };
}
