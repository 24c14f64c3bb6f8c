// Over 300 lines on purpose: one table of what each role reads and the checks against it, which every test here shares, read against one parse of compose.yml.
/**
 * compose.yml, its local override and the image, checked without Docker (none runs here):
 * both files against the Compose Specification's JSON Schema (vendored from compose-go, see
 * infra/README.md), every Rollcall service running a real role of src/main.ts with exactly
 * the variables that role reads, health checks and restart policies, one image built once,
 * images pinned, secrets only from the env file, KurrentDB's insecure mode only in the
 * override, and the Node version of the image against package.json's `engines` and the
 * `engines` of every locked dependency.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseDocument, visit } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../src/node-flags.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mapping = { [key: string]: Json };
interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  pull_policy?: string;
  command?: string[];
  environment?: Record<string, string | number | null>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  [key: string]: Json | Record<string, Service>;
}

/** A compose file as compose reads it: anchors and `<<` merged, `!reset`/`!override` noted by path. */
const loadCompose = (file: string): { model: ComposeFile; tagged: Map<string, '!reset' | '!override'> } => {
  const document = parseDocument(read(file), { merge: true });
  expect(document.errors, `${file} is not valid YAML`).toEqual([]);
  const tagged = new Map<string, '!reset' | '!override'>();
  visit(document, {
    Node(_key, node, trail) {
      if (!('tag' in node) || !node.tag) return;
      expect(['!reset', '!override'], `${file}: unknown tag ${node.tag}`).toContain(node.tag);
      const keys = trail.flatMap((step) => ('key' in step && step.key && typeof step.key === 'object' && 'value' in step.key ? [String(step.key.value)] : []));
      tagged.set(keys.join('.'), node.tag as '!reset' | '!override');
    },
  });
  return { model: document.toJS() as ComposeFile, tagged };
};

const base = loadCompose('compose.yml');
const local = loadCompose('infra/compose.local.yml');

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and `$$` in every string value. */
const interpolate = (value: Json, env: Record<string, string>): Json => {
  if (typeof value === 'string')
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name: string, op: string | undefined, arg: string) => {
      if (match === '$$') return '$';
      const set = env[name];
      const empty = set === undefined || set === '';
      if (op === ':-') return empty ? arg : set;
      if (op === '-') return set ?? arg;
      if ((op === ':?' && empty) || (op === '?' && set === undefined)) throw new Error(`${name}: ${arg}`);
      return set ?? '';
    });
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
};

/** Every `${NAME…}` a file's values refer to, with whether it is required (`:?`). */
const variablesOf = (value: Json, found = new Map<string, boolean>()): Map<string, boolean> => {
  if (typeof value === 'string')
    for (const [, name, op] of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?/g)) found.set(name!, (found.get(name!) ?? false) || op === ':?');
  else if (Array.isArray(value)) for (const item of value) variablesOf(item, found);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) variablesOf(item, found);
  return found;
};

/** Compose's merge of an override into a file, as far as these two files need it. */
const merge = (into: Json, over: Json, tagged: Map<string, string>, at: string[] = []): Json | undefined => {
  const tag = tagged.get(at.join('.'));
  if (tag === '!reset') return undefined;
  if (tag === '!override') return over;
  if (Array.isArray(into) && Array.isArray(over)) return [...new Set([...into, ...over].map((item) => JSON.stringify(item)))].map((item) => JSON.parse(item) as Json);
  if (into && over && typeof into === 'object' && typeof over === 'object' && !Array.isArray(into) && !Array.isArray(over)) {
    const merged: Mapping = { ...into };
    for (const [key, value] of Object.entries(over)) {
      const result = key in merged ? merge(merged[key]!, value, tagged, [...at, key]) : tagged.get([...at, key].join('.')) === '!reset' ? undefined : value;
      if (result === undefined) delete merged[key];
      else merged[key] = result;
    }
    return merged;
  }
  return over;
};

/** A value for every variable the files use, as a filled-in env file would hold. */
const FILLED_IN: Record<string, string> = {
  ROLLCALL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  POSTGRES_PASSWORD: 'a'.repeat(48),
  ROLLCALL_APP_PASSWORD: 'b'.repeat(48),
  KURRENTDB_ADMIN_PASSWORD: 'c'.repeat(48),
  KURRENTDB_OPS_PASSWORD: 'd'.repeat(48),
};

const schema = JSON.parse(read('infra/compose-spec.json')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
// compose-go registers this one format; its durations are Go's (1m30s, 10s, 500ms).
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
const validate = ajv.compile(schema);
const schemaErrors = (model: Json) => (validate(model) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

/** The roles `tsx src/main.ts <role>` takes, read from the source (importing src/main.ts would start Rollcall). */
const rolesInSource = (): string[] => {
  const sources = ['src/main.ts', ...readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).map((f) => `src/${f}`)].filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
  );
  for (const file of sources) {
    const match = /\bROLES\s*=\s*\[([^\]]*)\]/.exec(read(file));
    if (match) return [...match[1]!.matchAll(/'([^']+)'|"([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
  }
  throw new Error('no ROLES list found in src/');
};

/**
 * What each role reads from its environment (src/config.ts, as src/main.ts uses it per role):
 * the only variables compose may give its service. `needs` must be given.
 */
const EVERY_ROLE = ['DATABASE_URL', 'DATABASE_WAIT_SECONDS', 'ROLLCALL_MASTER_KEY', 'PG_POOL_SIZE', 'ACCESS_KEY_ROTATION_DAYS', 'TICKET_KEY_ROTATION_DAYS', 'TICKET_KEY_RETENTION_DAYS', 'LOG_LEVEL'];
const LONG_RUNNING = [...EVERY_ROLE, 'EVENTSTORE_URL', 'METRICS_PORT', 'READY_MAX_LAG_EVENTS'];
const ROLE_ENVIRONMENT: Record<string, { reads: string[]; needs: string[] }> = {
  migrate: { reads: [...EVERY_ROLE, 'DATABASE_OWNER_URL'], needs: ['DATABASE_URL', 'DATABASE_OWNER_URL', 'ROLLCALL_MASTER_KEY'] },
  api: {
    // MAIL_FROM too, for the outbox it writes to without a mail queue (tests and tools); compose's api queues its mail.
    reads: [...LONG_RUNNING, 'HOST', 'PORT', 'GRAPHIQL', 'RATE_LIMITS', 'TRUST_PROXY', 'PUBLIC_BASE_URL', 'CORS_ORIGINS', 'DATA_DIR', 'MAIL_FROM'],
    needs: ['DATABASE_URL', 'ROLLCALL_MASTER_KEY', 'EVENTSTORE_URL'],
  },
  projector: {
    reads: [...LONG_RUNNING, 'SMTP_URL', 'MAIL_FROM', 'DATA_DIR'],
    needs: ['DATABASE_URL', 'ROLLCALL_MASTER_KEY', 'EVENTSTORE_URL', 'METRICS_PORT'],
  },
  forwarder: {
    reads: [...LONG_RUNNING, 'KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX'],
    needs: ['DATABASE_URL', 'ROLLCALL_MASTER_KEY', 'EVENTSTORE_URL', 'METRICS_PORT', 'KAFKA_BROKERS'],
  },
  'ml-worker': {
    reads: [...LONG_RUNNING, 'KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX'],
    needs: ['DATABASE_URL', 'ROLLCALL_MASTER_KEY', 'EVENTSTORE_URL', 'METRICS_PORT', 'KAFKA_BROKERS'],
  },
};

const ROLLCALL_IMAGE = 'rollcall:local';
const rollcallServices = (model: ComposeFile) => Object.entries(model.services).filter(([, service]) => service.image === ROLLCALL_IMAGE || service.build);
const roleOf = (service: Service) => service.command?.[0] ?? '';

/** ENV lines of the Dockerfile, as the image's environment. */
const imageEnvironment = (): Record<string, string> =>
  Object.fromEntries(
    [...read('infra/Dockerfile').matchAll(/^ENV\s+(.+)$/gm)].flatMap((line) => [...line[1]!.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
  );

describe('compose.yml', () => {
  it('is valid by the Compose Specification, alone, with the local override, and the override alone', () => {
    const interpolated = interpolate(base.model as unknown as Json, FILLED_IN);
    expect(schemaErrors(base.model as unknown as Json)).toEqual([]);
    expect(schemaErrors(interpolated)).toEqual([]);
    expect(schemaErrors(local.model as unknown as Json)).toEqual([]);
    const merged = merge(interpolated, interpolate(local.model as unknown as Json, FILLED_IN), local.tagged)!;
    expect(schemaErrors(merged)).toEqual([]);
  });

  it('runs a real role of src/main.ts in every Rollcall service, each long-running role at least once', () => {
    const roles = rolesInSource();
    const services = rollcallServices(base.model);
    for (const [name, service] of services) {
      expect(service.command, name).toHaveLength(1);
      expect(roles, `${name} runs "${roleOf(service)}"`).toContain(roleOf(service));
    }
    const run = services.map(([, service]) => roleOf(service));
    for (const role of roles.filter((r) => r !== 'all')) expect(run, `no service runs ${role}`).toContain(role);
    // The role is the argument of the image's entry point.
    expect(read('infra/Dockerfile')).toMatch(/^ENTRYPOINT \["node", (?:"--[^"]+", )*"--import", "tsx", "src\/main\.ts"\]$/m);
  });

  it('starts Rollcall with its node flags in the image and in npm start', () => {
    const entryPoint = JSON.parse(/^ENTRYPOINT (\[.+\])$/m.exec(read('infra/Dockerfile'))![1]!) as string[];
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    for (const flag of NODE_FLAGS) {
      expect(entryPoint.slice(1, entryPoint.indexOf('--import'))).toContain(flag);
      expect(scripts.start!.split(' ').slice(0, scripts.start!.split(' ').indexOf('src/main.ts'))).toContain(flag);
    }
  });

  it('gives each Rollcall service exactly variables its role reads, those it needs among them', () => {
    for (const [name, service] of rollcallServices(base.model)) {
      const role = ROLE_ENVIRONMENT[roleOf(service)];
      expect(role, `no environment table for role ${roleOf(service)}`).toBeDefined();
      const given = Object.keys(service.environment ?? {});
      for (const variable of given) expect(role!.reads, `${name} is given ${variable}, which its role does not read`).toContain(variable);
      for (const variable of role!.needs) expect(given, `${name} needs ${variable}`).toContain(variable);
      // Development switches stay off in the production-shaped stack.
      expect(given).not.toContain('GRAPHIQL');
      expect(given).not.toContain('RATE_LIMITS');
    }
  });

  it('gives Rollcall only variables that src/ reads', () => {
    const source = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .map((f) => read(`src/${f}`))
      .join('\n');
    const given = new Set(rollcallServices(base.model).flatMap(([, service]) => Object.keys(service.environment ?? {})));
    for (const variable of [...given, ...Object.keys(imageEnvironment()).filter((v) => v !== 'NODE_ENV')])
      expect(source, `${variable} is read nowhere in src/`).toMatch(new RegExp(`env\\.${variable}\\b|['"\`]${variable}['"\`]`));
  });

  it('takes every secret from the env file and writes none in', () => {
    const used = variablesOf(base.model as unknown as Json);
    const example = read('infra/rollcall.env.example');
    for (const [variable, required] of used) {
      expect(example, `${variable} is not in infra/rollcall.env.example`).toMatch(new RegExp(`^#?${variable}=`, 'm'));
      if (variable in FILLED_IN) expect(required, `${variable} must be required (\${${variable}:?…})`).toBe(true);
    }
    // Filled in, nothing is missing; empty, compose refuses to start.
    expect(() => interpolate(base.model as unknown as Json, FILLED_IN)).not.toThrow();
    expect(() => interpolate(base.model as unknown as Json, {})).toThrow(/ROLLCALL_|POSTGRES_|KURRENTDB_/);
    for (const [name, service] of Object.entries(base.model.services))
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        const text = String(value ?? '');
        if (/PASSWORD|SECRET|_KEY$|TOKEN/.test(variable)) expect(text, `${name}: ${variable} must come from the env file`).toMatch(/^\$\{[A-Z_]+(:?[-?][^}]*)?\}$/);
        const credentials = /^[a-z+]+:\/\/[^:/@]+:([^@]*)@/.exec(text);
        if (credentials) expect(credentials[1], `${name}: ${variable} holds a password`).toMatch(/^\$\{[A-Z_]+(:?[-?][^}]*)?\}$/);
      }
    // The example holds no value for a secret.
    for (const variable of Object.keys(FILLED_IN)) expect(example).toMatch(new RegExp(`^${variable}=$`, 'm'));
  });

  it('checks the health of every long-running service and restarts it unless stopped', () => {
    const image = imageEnvironment();
    for (const [name, service] of Object.entries(base.model.services)) {
      if (roleOf(service) === 'migrate') continue;
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.healthcheck?.test?.length, `${name} has no health check`).toBeGreaterThan(0);
      expect(service.healthcheck?.disable, name).not.toBe(true);
      // Go durations, as compose parses them (the schema leaves them free).
      for (const key of ['interval', 'timeout', 'start_period', 'start_interval'] as const) {
        const value = (service.healthcheck as Record<string, unknown>)[key];
        if (value !== undefined) expect(value, `${name}: healthcheck.${key}`).toMatch(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
      }
    }
    for (const [name, service] of rollcallServices(base.model)) {
      if (roleOf(service) === 'migrate') continue;
      const [kind, node, script, url] = service.healthcheck!.test!;
      expect([kind, node, script], name).toEqual(['CMD', 'node', 'infra/healthcheck.mjs']);
      const port = roleOf(service) === 'api' ? (service.environment?.PORT ?? image.PORT) : service.environment?.METRICS_PORT;
      expect(url, name).toBe(`http://127.0.0.1:${port}/healthz`);
    }
  });

  it('runs migrate once, retried only when it fails, before the roles that need the schema', () => {
    const migrations = rollcallServices(base.model).filter(([, service]) => roleOf(service) === 'migrate');
    expect(migrations).toHaveLength(1);
    const [migrateName, migrate] = migrations[0]!;
    expect(migrate.restart).toMatch(/^on-failure(:\d+)?$/);
    for (const [name, service] of rollcallServices(base.model))
      if (name !== migrateName) expect(service.depends_on?.[migrateName]?.condition, name).toBe('service_completed_successfully');
  });

  it('builds one image once and shares it', () => {
    const services = rollcallServices(base.model);
    const builders = services.filter(([, service]) => service.build);
    expect(builders).toHaveLength(1);
    expect(builders[0]![1].build).toEqual({ context: '.', dockerfile: 'infra/Dockerfile' });
    for (const [name, service] of services) {
      expect(service.image, name).toBe(ROLLCALL_IMAGE);
      expect(service.pull_policy, `${name} must never pull ${ROLLCALL_IMAGE}`).toBe('never');
    }
  });

  it('pins every image to an exact version', () => {
    // major.minor.patch; PostgreSQL's releases are major.minor.
    const exact = (image: string) => (image.startsWith('postgres:') ? /^postgres:\d+\.\d+(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$/ : /^[a-z0-9./_-]+:\d+\.\d+\.\d+(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$/);
    for (const [name, service] of Object.entries(base.model.services)) {
      if (service.image === ROLLCALL_IMAGE) continue;
      expect(service.image, name).toMatch(exact(service.image!));
      expect(service.image, name).not.toMatch(/:latest\b/);
    }
    const from = [...read('infra/Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(from.length).toBeGreaterThan(0);
    for (const image of from) expect(image).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+(-slim)?@sha256:[0-9a-f]{64}$/);
  });

  it('runs KurrentDB in insecure mode only in the local override', () => {
    const eventstore = (model: ComposeFile) => model.services.eventstore!;
    const baseText = read('compose.yml')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(baseText).not.toMatch(/INSECURE|--insecure|tls=false/i);
    expect(eventstore(base.model).environment).toMatchObject({ KURRENTDB_CERTIFICATE_FILE: expect.any(String), KURRENTDB_TRUSTED_ROOT_CERTIFICATES_PATH: expect.any(String) });
    for (const [name, service] of rollcallServices(base.model))
      if (service.environment?.EVENTSTORE_URL) expect(String(service.environment.EVENTSTORE_URL), name).toMatch(/[?&]tls=true&tlsCAFile=/);

    expect(eventstore(local.model).environment?.KURRENTDB_INSECURE).toBe('true');
    const merged = merge(interpolate(base.model as unknown as Json, FILLED_IN), interpolate(local.model as unknown as Json, FILLED_IN), local.tagged) as unknown as ComposeFile;
    expect(Object.keys(eventstore(merged).environment ?? {}).filter((k) => /CERTIFICATE|PASSWORD/.test(k))).toEqual([]);
    for (const [name, service] of rollcallServices(merged)) {
      if (roleOf(service) === 'migrate') continue;
      expect(String(service.environment?.EVENTSTORE_URL), name).toBe('esdb://eventstore:2113?tls=false');
      expect((service.volumes ?? []).filter((v) => v.includes('certs')), name).toEqual([]);
    }
  });
});

describe('the image', () => {
  const exec = promisify(execFile);

  it('keeps node_modules, local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const pattern of ['**/node_modules', '**/.rollcall', '**/.env', 'infra/kurrentdb/certs', '.git']) expect(ignored).toContain(pattern);
    // What the Dockerfile copies is there and not ignored.
    for (const [, sources] of read('infra/Dockerfile').matchAll(/^COPY\s+(.+)\s+\S+$/gm))
      for (const source of sources!.split(/\s+/)) {
        expect(existsSync(path.join(ROOT, source)), source).toBe(true);
        expect(ignored, source).not.toContain(source);
      }
  });

  it("runs a Node that package.json's engines allow, and engines allow only what every dependency supports", () => {
    const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; subset(sub: string, sup: string): boolean };
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const imageNode = /^FROM node:(\d+\.\d+\.\d+)-/m.exec(read('infra/Dockerfile'))![1]!;
    expect(semver.satisfies(imageNode, engines), `node ${imageNode} is outside engines ${engines}`).toBe(true);
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { version?: string; optional?: boolean; os?: string[]; engines?: { node?: string } | string[] }>;
    };
    const narrower = Object.entries(lock.packages)
      // A prebuilt binary for another platform (sharp's win32-ia32 wants Node 20 only) never installs where the image runs.
      .filter(([, p]) => !(p.optional && p.os && !p.os.includes('linux')))
      .filter(([where, p]) => where && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.subset(engines, (p.engines as { node: string }).node))
      .map(([where, p]) => `${where.replace(/^.*node_modules\//, '')}@${p.version} needs node ${(p.engines as { node: string }).node}`);
    expect(narrower, `engines "${engines}" allows Node versions these dependencies do not support`).toEqual([]);
  });

  it('probes health with infra/healthcheck.mjs: 0 on 2xx, 1 otherwise', async () => {
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/healthz' ? 200 : 503;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const probe = (url: string) =>
      exec(process.execPath, [path.join(ROOT, 'infra/healthcheck.mjs'), url, '2000']).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );
    try {
      expect(await probe(`http://127.0.0.1:${port}/healthz`)).toBe(0);
      expect(await probe(`http://127.0.0.1:${port}/readyz`)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listens on port 1.
    expect(await probe('http://127.0.0.1:1/healthz')).toBe(1);
  });
});
