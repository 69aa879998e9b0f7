/** App Home: published whenever someone opens the bot's home tab. */
import type { App } from '@slack/bolt';
import * as flows from '../../flows';
import { renderHome } from './render-home';
import { withDashboard } from './impact/home';
import type { SlackRuntime } from './runtime';
import { slackContext } from './runtime';

/** Registers the `app_home_opened` listener. */
export function registerHome(app: App, rt: SlackRuntime): void {
  app.event('app_home_opened', async ({ event, context, body }) => {
    if (event.tab && event.tab !== 'home') return;
    try {
      const ctx = await slackContext(rt, context.teamId ?? (body as { team_id?: string }).team_id, event.user);
      const days = rt.deps.policy.reviews.remindBeforeDays;
      const [mine, waiting, due] = await Promise.all([flows.listMine(ctx), flows.pendingForMe(ctx), flows.reviewsDue(ctx, days)]);
      const home = renderHome({ mine, waiting, due, dueWithinDays: days }, rt.deps.policy.organization.timezone);
      // Members of compliance see the compliance dashboard above their own tools.
      await rt.client.views.publish({ user_id: event.user, view: await withDashboard(ctx, home) });
    } catch (err) {
      rt.logger.error({ err }, 'slack: app home failed');
    }
  });
}
