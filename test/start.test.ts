// `npm start` on a fresh directory: creates ./data/paperboy.db, loads the demo
// corpus once, and answers /healthz — run as the built program in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from './dialects.js';

// The script `npm start` runs (after its prestart build), so a wrong path there fails here.
const START_SCRIPT = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const MAIN = join(process.cwd(), START_SCRIPT.replace(/^node\s+/, ''));
let dir: string;
let child: ChildProcess | undefined;
const others: ChildProcess[] = [];
/** Every process started, so that instances started together are all stopped after the test. */
const spawned: ChildProcess[] = [];
let database: TestDatabase | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  for (const other of [...others.splice(0), ...spawned.splice(0)]) other.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  await database?.dispose();
  database = undefined;
});

function start(cwd: string, env: Record<string, string> = {}): Promise<{ url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [MAIN], {
      cwd,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    spawned.push(proc);
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^)\s]+)/.exec(out);
      if (m) resolve({ url: m[1]!, output: () => out });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

function stop(): Promise<void> {
  return new Promise((resolve) => {
    if (!child) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('npm start', () => {
  it('creates the database, loads the demo corpus once and answers /healthz', async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
    const first = await start(dir);
    expect(existsSync(join(dir, 'data', 'paperboy.db'))).toBe(true);
    expect(first.output()).toMatch(/loaded the demo corpus: 273 new/);
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const home = await (await fetch(first.url)).text();
    expect(home).toContain('273 papers in the catalogue');
    expect(home).toContain('Identity Mappings in Deep Residual Networks');
    await stop();

    const second = await start(dir);
    expect(second.output()).not.toMatch(/loaded the demo corpus/);
    expect(second.output()).toMatch(/serving 273 papers/);
    await stop();
  });

  it('fails fast with a clear message on bad configuration', async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
    await expect(start(dir, { SMTP_URL: 'mail.example.com' })).rejects.toThrow(/SMTP_URL: must start with smtp:\/\//);
  });
});

const postgres = DIALECTS.find((d) => d.name === 'postgres');

describe.runIf(postgres)('npm start on PostgreSQL', () => {
  it('migrates an empty database, loads the demo corpus once, and a second instance serves the same site', async () => {
    database = await postgres!.createDatabase();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
    const env = { DATABASE_URL: database.url, DATA_DIR: join(dir, 'a') };
    const first = await start(dir, env);
    expect(first.output()).toMatch(/loaded the demo corpus: 273 new/);
    expect(first.output()).not.toContain(':@'); // the location is logged without a password
    const firstChild = child!;
    others.push(firstChild);
    const second = await start(dir, { ...env, DATA_DIR: join(dir, 'b') });
    expect(second.output()).not.toMatch(/loaded the demo corpus/);
    expect(second.output()).toMatch(/serving 273 papers/);
    for (const instance of [first, second]) {
      expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
      const home = await (await fetch(instance.url)).text();
      expect(home).toContain('273 papers in the catalogue');
      const found = (await (await fetch(`${instance.url}/api/search?q=identity+mappings+residual&limit=1`)).json()) as { results: Array<{ title: string }> };
      expect(found.results[0]?.title).toBe('Identity Mappings in Deep Residual Networks');
    }
    await stop();
  });
});

describe.runIf(postgres)('two npm start at the same moment on an empty PostgreSQL database', () => {
  it('migrate it once and load the demo corpus once, then both serve it', async () => {
    database = await postgres!.createDatabase();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
    const env = { DATABASE_URL: database.url };
    const starting = [start(dir, { ...env, DATA_DIR: join(dir, 'a') }), start(dir, { ...env, DATA_DIR: join(dir, 'b') })];
    const instances = await Promise.all(starting);
    const outputs = instances.map((instance) => instance.output());
    // Exactly one of them loaded the corpus (the other waited on the setup lock, then found it loaded).
    expect(outputs.filter((o) => /loaded the demo corpus: 273 new/.test(o))).toHaveLength(1);
    for (const output of outputs) expect(output).toMatch(/serving 273 papers/);
    for (const instance of instances) {
      const home = await (await fetch(instance.url)).text();
      expect(home).toContain('273 papers in the catalogue');
    }
  });
});
