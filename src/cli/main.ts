import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { loadConfig, ConfigError, NO_SECRET_KEY } from '../core/config.ts';
import { openConfiguredDatabase, startInstance } from '../instance.ts';
import { runMigrations } from '../core/migrate.ts';
import { backup, restore } from './backup.ts';
import { userCreate } from './user-create.ts';

const program = new Command()
  .name('chorus')
  .description('Chorus: social media management you run yourself.')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the API and web app, and (unless --no-workers) the background workers')
  .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)')
  .option('--no-workers', 'only serve HTTP; run `chorus worker` processes for jobs (needs DATABASE_URL)')
  .action(async (options: { port?: string; workers: boolean }) => {
    const config = loadConfig(process.env, options.port ? { port: parsePort(options.port) } : {});
    if (!options.workers && !config.databaseUrl) fail('--no-workers needs DATABASE_URL: the embedded database belongs to one process.');
    const instance = await startInstance({ config, work: options.workers, http: true });
    console.log(`Chorus is running at ${config.publicUrl === `http://localhost:${config.port}` ? instance.url : config.publicUrl}`);
    stopOnSignal(instance.stop);
  });

program
  .command('worker')
  .description('Run background workers only (several may share one PostgreSQL)')
  .action(async () => {
    const config = loadConfig();
    if (!config.databaseUrl) fail('Workers in their own process need DATABASE_URL; `chorus serve` runs workers for the embedded database.');
    const instance = await startInstance({ config, work: true, http: false, ...(process.env.CHORUS_WORKER_ID ? { workerId: process.env.CHORUS_WORKER_ID } : {}) });
    console.log(`Chorus worker ${instance.chorus.jobs.workerId} is running`);
    stopOnSignal(instance.stop);
  });

program
  .command('migrate')
  .description('Apply database migrations and exit (serve and worker also migrate at start)')
  .action(async () => {
    const database = await openConfiguredDatabase(loadConfig());
    try {
      await runMigrations(database);
      console.log(`Migrations applied to ${database.describe}.`);
    } finally {
      await database.close();
    }
  });

const user = program.command('user').description('Manage users');
user
  .command('create')
  .description('Create a user; on a fresh install, the owner. The password is read from standard input or a prompt.')
  .requiredOption('--email <email>', 'email address, used to sign in')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--org-role <role>', 'organisation role').choices(['owner', 'admin', 'member']).default('member'))
  .option('--organization <name>', 'organisation name (fresh install only)')
  .option('--workspace <name>', 'first workspace name (fresh install only)')
  .option('--timezone <zone>', 'first workspace time zone, IANA name (fresh install only)')
  .action(async (options) => {
    const password = await readPassword();
    console.log(await userCreate(loadConfig(), options, password));
  });

program
  .command('backup')
  .description('Back up the database to a file (embedded: stop the server first; PostgreSQL: live, with pg_dump)')
  .argument('[file]', 'where to write', `chorus-backup-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.tar.gz`)
  .action(async (file: string) => {
    console.log(await backup(loadConfig(), file));
  });

program
  .command('restore')
  .description('Restore an embedded-database backup into an empty data directory')
  .argument('<file>', 'a file written by `chorus backup`')
  .action(async (file: string) => {
    console.log(await restore(loadConfig(process.env, { secretKey: NO_SECRET_KEY }), file));
  });

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`Not a port number: ${value}`);
  return port;
}

function fail(message: string): never {
  console.error(`chorus: ${message}`);
  process.exit(2);
}

function stopOnSignal(stop: () => Promise<void>) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      stop().then(
        () => process.exit(0),
        (error: Error) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    return input.replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Echo nothing while the password is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  process.stdout.write('Password: ');
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

program.parseAsync().catch((error: Error) => {
  if (error instanceof ConfigError) fail(error.message);
  fail(error.message);
});
