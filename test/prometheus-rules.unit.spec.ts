/**
 * infra/prometheus-rules.yml: the shape Prometheus loads (groups of rules, each alert with an
 * expression, a `for`, a severity and a summary and description), and expressions that read only
 * metrics Rollcall serves (those its metrics registry holds, prom-client's defaults among them,
 * and any other `rollcall_…` name in src/) or Prometheus's own `up`. With promtool on the PATH
 * (or PROMTOOL set) it also runs `promtool check rules`, which parses the PromQL for real, and
 * `promtool test rules` on infra/prometheus-rules.test.yml, which fires alerts on made-up series.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Jobs } from '../src/jobs/jobs.js';
import { Metrics } from '../src/observability/metrics.js';
import { observeSharedState } from '../src/observability/shared-state-metrics.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RULES = path.join(ROOT, 'infra/prometheus-rules.yml');

interface Rule {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groups = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups;
const rules = groups.flatMap((group) => group.rules);

/** Series Prometheus makes itself, and PromQL's words that are not metric names. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'ALERTS', 'ALERTS_FOR_STATE']);
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

/** The metric names an expression reads: identifiers outside strings, label matchers, ranges and label lists, not called as functions. */
export const metricNames = (expr: string): string[] => {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined)
    .map((m) => m[1]!)
    .filter((name) => !KEYWORDS.has(name.toLowerCase()) && !/^\d/.test(name));
};

/**
 * The metrics a process registers, every shared-state gauge included (registering reads nothing:
 * gauges read PostgreSQL when scraped), and every other `rollcall_…` name written in src/.
 */
const servedMetrics = (): Set<string> => {
  const metrics = new Metrics();
  observeSharedState(metrics, { pool: {} as pg.Pool, storeKind: 'postgres', headPosition: async () => undefined, jobs: {} as Jobs }, new Set(['projections', 'forwarders', 'reactors', 'jobs'] as const));
  const names = new Set(metrics.registry.getMetricsAsArray().map((metric) => metric.name));
  for (const file of readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }))
    if (file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      for (const [name] of readFileSync(path.join(ROOT, 'src', file), 'utf8').matchAll(/\brollcall_[a-z0-9_]+/g)) names.add(name);
  return names;
};

const promtool = (): string | undefined => {
  if (process.env.PROMTOOL) return process.env.PROMTOOL;
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

describe('infra/prometheus-rules.yml', () => {
  it('holds named groups of alerts, each with an expression, a duration, a severity and what to do', () => {
    expect(groups.length).toBeGreaterThan(0);
    const alerts = new Set<string>();
    for (const group of groups) {
      expect(group.name).toMatch(/^[a-z0-9-]+$/);
      expect(group.rules.length, group.name).toBeGreaterThan(0);
    }
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Rollcall[A-Za-z]+$/);
      expect(alerts.has(rule.alert!), `${rule.alert} twice`).toBe(false);
      alerts.add(rule.alert!);
      expect(rule.expr?.trim(), rule.alert).toBeTruthy();
      expect(rule.for, rule.alert).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(Object.keys(rule).sort(), rule.alert).toEqual(['alert', 'annotations', 'expr', 'for', 'labels']);
    }
  });

  it('reads only metrics Rollcall serves, or Prometheus its own', () => {
    const served = servedMetrics();
    for (const rule of rules) {
      const names = metricNames(rule.expr!);
      expect(names.length, `${rule.alert} reads no metric`).toBeGreaterThan(0);
      for (const name of names) {
        if (PROMETHEUS_OWN.has(name)) continue;
        // A histogram or summary is served under its name, read as _bucket, _sum and _count.
        const family = name.replace(/_(bucket|sum|count)$/, '');
        expect(served.has(name) || served.has(family), `${rule.alert} reads ${name}, which src/ does not serve`).toBe(true);
      }
    }
  });

  it('finds metric names the way PromQL reads them', () => {
    expect(metricNames('sum by (job) (rate(http_total{code=~"5.."}[5m])) / on() group_left(x) up == 0')).toEqual(['http_total', 'up']);
    expect(metricNames('scalar(max(a_head)) - max by (p) (a_pos) > 1e3 and on() changes(b[15m]) > 0')).toEqual(['a_head', 'a_pos', 'b']);
  });

  const tool = promtool();
  if (!tool) console.warn('promtool check of the alert rules SKIPPED: put promtool on the PATH (or set PROMTOOL) to run it.');
  it.skipIf(!tool)('passes promtool check rules, and its tests in infra/prometheus-rules.test.yml', async () => {
    const run = promisify(execFile);
    expect((await run(tool!, ['check', 'rules', RULES])).stdout).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
    expect((await run(tool!, ['test', 'rules', path.join(ROOT, 'infra/prometheus-rules.test.yml')])).stdout).toMatch(/SUCCESS/);
  });
});
