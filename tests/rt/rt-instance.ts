import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real Request Tracker 5, as Debian packages it (`request-tracker5 rt5-db-sqlite rt5-standalone`),
 * on a fresh SQLite database in a temp folder and its standalone server on a free port. Used by the
 * browser test (tests/e2e/rt.spec.ts) and by the script that saves RT pages as fixtures.
 */
const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const SETUP_DATABASE = '/usr/sbin/rt-setup-database-5';

/** RT's own superuser, as `rt-setup-database --action init` creates it. */
export const RT_AGENT = { user: 'root', password: 'password', name: 'Enoch Root' };
export const RT_REQUESTOR = { email: 'jane@customer.example', name: 'Jane Customer' };

/** Why RT cannot run here, or null when it can. */
export function rtMissing(): string | null {
  for (const file of [RT_SERVER, SETUP_DATABASE]) if (!fs.existsSync(file)) return `Request Tracker 5 is not installed (no ${file}); as root: apt-get install request-tracker5 rt5-db-sqlite rt5-standalone dbconfig-no-thanks`;
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// Requestors write in by email (RT's mail gateway), as customers do; staff reply in the web UI.
const INITIAL_DATA = `@ACL = ( map { { GroupDomain => 'SystemInternal', GroupType => 'Everyone', Right => $_, Queue => 'General' } } qw(CreateTicket ReplyToTicket) );\n1;\n`;

export interface RtInstance {
  /** `http://127.0.0.1:<port>`: also the custom site's origin. */
  origin: string;
  dir: string;
  /** REST 2 as the agent (basic auth): `rest('POST', '/ticket', {...})`. */
  rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  /** An email from the requestor through RT's mail gateway; the ticket id it created or updated. */
  mail(subject: string, body: string, ticketId?: string): Promise<string>;
  /** A REST 2 auth token for the agent, as RT: Logged in as → Settings → Auth Tokens makes one. */
  authToken(): string;
  stop(): Promise<void>;
}

export async function startRt(opts: { log?: (line: string) => void } = {}): Promise<RtInstance> {
  const missing = rtMissing();
  if (missing) throw new Error(missing);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-rt-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'RT_SiteConfig.pm');
  fs.mkdirSync(path.join(dir, 'RT_SiteConfig.d'));
  fs.writeFileSync(
    config,
    [
      `Set($rtname, 'aitl-test');`,
      `Set($Organization, 'aitl.test');`,
      `Set($DatabaseType, 'SQLite');`,
      `Set($DatabaseName, '${path.join(dir, 'rt5.db')}');`,
      `Set($WebDomain, '127.0.0.1');`,
      `Set($WebPort, ${port});`,
      `Set($WebPath, '');`,
      `Set($LogToSTDERR, 'warning');`,
      `Set($LogToSyslog, undef);`,
      // No mail leaves the test: outgoing email is written to files in the temp folder.
      `Set($MailCommand, 'testfile');`,
      `1;`,
    ].join('\n'),
  );
  // The Debian package's /etc/request-tracker5/RT_SiteConfig.d is left out: this instance is only the temp folder.
  const env = { ...process.env, RT_SITE_CONFIG: config, RT_SITE_CONFIG_DIR: path.join(dir, 'RT_SiteConfig.d'), TMPDIR: dir };
  const setup = (...args: string[]) => {
    const run = spawnSync(SETUP_DATABASE, args, { env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${SETUP_DATABASE} ${args.join(' ')} failed: ${run.stderr || run.stdout}`);
  };
  setup('--action', 'init', '--skip-create');
  fs.writeFileSync(path.join(dir, 'initialdata'), INITIAL_DATA);
  setup('--action', 'insert', '--datafile', path.join(dir, 'initialdata'));

  const server: ChildProcess = spawn(RT_SERVER, ['--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    opts.log?.(chunk.toString());
  };
  server.stdout!.on('data', collect);
  server.stderr!.on('data', collect);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`rt-server exited (${server.exitCode}): ${output}`);
    const ok = await fetch(`${origin}/NoAuth/Login.html`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      server.kill();
      throw new Error(`rt-server did not answer on ${origin} within 60 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const auth = `Basic ${Buffer.from(`${RT_AGENT.user}:${RT_AGENT.password}`).toString('base64')}`;
  const rest = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${origin}/REST/2.0${route}`, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`RT REST ${method} ${route}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  const mail = async (subject: string, body: string, ticketId?: string): Promise<string> => {
    const tag = ticketId ? ` [aitl-test #${ticketId}]` : '';
    const message = [`From: ${RT_REQUESTOR.name} <${RT_REQUESTOR.email}>`, 'To: rt@aitl.test', `Subject: ${subject}${tag}`, `Message-ID: <${crypto.randomUUID()}@customer.example>`, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\n');
    const response = await fetch(`${origin}/REST/1.0/NoAuth/mail-gateway`, { method: 'POST', body: new URLSearchParams({ queue: 'General', action: 'correspond', message }) });
    const answer = await response.text();
    if (!answer.startsWith('ok')) throw new Error(`RT's mail gateway refused the email: ${answer}`);
    if (ticketId) return ticketId;
    // The gateway answers a bare "ok": the new ticket is the newest one.
    const found = await rest<{ items: { id: string }[] }>('GET', `/tickets?query=${encodeURIComponent('id > 0')}&orderby=id&order=DESC&per_page=1`);
    const id = found.items[0]?.id;
    if (!id) throw new Error('RT took the email but made no ticket of it');
    return String(id);
  };
  const authToken = () => {
    // RT's own library, as its web UI uses it (RT has no API call that makes a token).
    const script = `use RT; RT::LoadConfig(); RT::Init(); my $u = RT::User->new(RT->SystemUser); $u->Load('${RT_AGENT.user}'); my ($id, $msg, $token) = RT::AuthToken->new($u)->Create(Owner => $u->Id, Description => 'aitl test'); die "$msg\\n" unless $id; print $token;`;
    const run = spawnSync('perl', ['-I/usr/share/request-tracker5/lib', '-e', script], { env, encoding: 'utf8' });
    if (run.status !== 0 || !run.stdout.trim()) throw new Error(`could not make an RT auth token: ${run.stderr}`);
    return run.stdout.trim();
  };
  return {
    origin,
    dir,
    rest,
    mail,
    authToken,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A ticket as support sees one: the requestor's email, a staff reply, an internal comment. */
export async function seedTicket(rt: RtInstance, ticket: { subject: string; question: string; reply: string; comment: string }): Promise<string> {
  const id = await rt.mail(ticket.subject, ticket.question);
  await rt.rest('POST', `/ticket/${id}/correspond`, { Content: ticket.reply, ContentType: 'text/plain' });
  await rt.rest('POST', `/ticket/${id}/comment`, { Content: ticket.comment, ContentType: 'text/plain' });
  return id;
}
