/**
 * `npm run demo:agents`: simulated agents work the demo tickets against a running
 * `aitl serve --demo` (or any server whose tenant holds the demo help centre), so a turn of the
 * flywheel has feedback to learn from. The labels are simulated (the tickets' own labels, 10% of
 * judgements flipped), not human: this is a demonstration of the loop, said as such.
 *
 *   AITL_TOKEN=<the demo agent token npm start printed> npm run demo:agents
 *   npx aitl models retrain --tenant demo
 */
import { DEMO_KB_DIR, DEMO_TICKETS } from '../server/src/demo';
import { readLabelledTickets } from '../server/src/knowledge/evaluation';
import { readSource } from '../server/src/knowledge/sources/read-source';
import { DEFAULT_SIMULATION, httpClient, simulateAgents } from '../server/test/helpers/simulated-agents';

const server = process.env.AITL_SERVER ?? 'http://127.0.0.1:8787';
const token = process.env.AITL_TOKEN;
if (!token?.startsWith('aitl_agent_')) {
  console.error('demo:agents: set AITL_TOKEN to an agent token of the demo tenant (npm start prints one; or npx aitl tokens create --role agent --name sim --tenant demo)');
  process.exit(1);
}
// All of them: a turn needs enough eval-slice tickets (10% of what agents worked) to decide.
const tickets = readLabelledTickets(DEMO_TICKETS);
const urls = new Map(readSource(DEMO_KB_DIR).articles.map((a) => [a.externalId, a.url]));
const stats = await simulateAgents(httpClient(server, token), urls, tickets, { ...DEFAULT_SIMULATION, noise: Number(process.env.NOISE ?? DEFAULT_SIMULATION.noise) });
console.log(`simulated agents worked ${stats.tickets} demo tickets on ${server}: ${stats.relevance} relevance labels, ${stats.links} article links in sent replies`);
console.log('next: npx aitl models retrain --tenant demo   (then npx aitl models list --tenant demo)');
