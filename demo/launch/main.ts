// `npm run demo`: the demo build is already built (the npm script runs `wxt build --mode demo`
// and the dashboard build first); this starts the backend and the browser and stays up until
// Ctrl+C or until the browser window is closed.
import { startDemo } from './start-demo';

const headless = /^(1|true|yes)$/i.test(process.env.AITL_DEMO_HEADLESS ?? '');

async function main() {
  const demo = await startDemo({ headless, logLevel: process.env.AITL_LOG_LEVEL ?? 'warn' });
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${why}: stopping the demo…\n`);
    await demo.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal));
  demo.context.on('close', () => void stop('the browser was closed'));

  process.stdout.write(
    [
      '',
      `AITL demo is running${headless ? ' (headless)' : ''}.`,
      `  Demo helpdesk:  ${demo.workspaceUrl}  (Chromium with the demo extension, already set up)`,
      `  Dashboard:      ${demo.dashboardUrl}  (sign in with the operator token below)`,
      `  Operator token: ${demo.tokens.operator}`,
      `  Agent token:    ${demo.tokens.agent}  (the extension's)`,
      '  (These two are kept in .aitl/demo/demo-tokens.json for the next run; tokens printed above on a first start are spares.)',
      '',
      'Click a reply or an article in the panel, insert a reply and press "Submit as Solved", switch tickets in the tabs.',
      'Ctrl+C stops the demo.',
      '',
    ].join('\n'),
  );

  if (headless) {
    // No one is watching: check that the panel came up with suggestions, and say so.
    const replies = demo.page.getByTestId('aitl-panel').getByTestId('aitl-reply');
    await replies.first().waitFor({ timeout: 60_000 });
    process.stdout.write(`The panel shows ${await replies.count()} suggested replies on ${demo.page.url()}.\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run demo: ${(error as Error).message}\n`);
  process.exit(1);
});
