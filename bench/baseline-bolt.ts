/**
 * The `ack` baseline: a bare Bolt app (HTTPReceiver) that acknowledges `/aims` and posts one
 * `response_url` reply, and nothing else. Env: PORT, SLACK_SIGNING_SECRET, SLACK_API_URL.
 */
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  token: 'xoxb-test-token',
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: LogLevel.ERROR,
  customRoutes: [{ path: '/readyz', method: ['GET'], handler: (_req, res) => void res.writeHead(200).end('ok') }],
});
app.command('/aims', async ({ ack, respond, command }) => {
  await ack();
  await respond({ response_type: 'ephemeral', text: `Nothing is registered under "${command.text}".` });
});
await app.start(Number(process.env.PORT));
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
