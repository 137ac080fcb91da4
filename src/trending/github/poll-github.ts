/**
 * Polls GitHub for the star counts of the repositories of recent or recently
 * active papers, storing a snapshot when a count changed, so trending can
 * score star growth. Stays inside the rate limit: asks `/rate_limit` first,
 * keeps a reserve for whoever else uses the token, stops at a rate-limit
 * answer, and asks least-recently-checked repositories first so that a
 * budget smaller than the list still goes round all of them over runs.
 */
import type { Config } from '../../config/config.js';
import type { DatabaseHandle } from '../../db/connection.js';
import type { HttpClient } from '../../ingest/fetch/http-client.js';
import type { ScheduledJob } from '../../jobs/scheduler.js';
import { GithubApi, type RateLimit } from './github-api.js';
import { candidatePapers, repoStates, saveObservation, saveRepoLinks, type RepoState } from './repo-store.js';

export interface PollDeps {
  config: Config;
  database: DatabaseHandle;
  http: HttpClient;
}

export interface PollOptions {
  /** At most this many repositories per run. */
  maxRepos?: number;
  /** Requests left untouched for other users of the token. */
  reserve?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export interface PollReport {
  candidates: number;
  polled: number;
  /** Repositories whose star count changed (or was seen for the first time): a snapshot each. */
  changed: number;
  unchanged: number;
  gone: number;
  /** Why the run stopped before its list ended (rate limit), if it did. */
  stoppedBy?: string;
  rateLimit?: RateLimit;
}

const DAY_MS = 86_400_000;
export const POLL_DEFAULTS = {
  maxRepos: 2000,
  reserve: 100,
  /** Papers published this recently have their repositories polled… */
  recentDays: 30,
  /** …and so do papers upvoted or viewed this recently. */
  activeDays: 7,
  /** A repository checked this recently is skipped (a CLI run right after the scheduled one). */
  recheckMinutes: 60,
  /** A repository GitHub said is gone is asked again after this long (it may come back). */
  goneRetryDays: 7,
};

const GITHUB_REPO = /^https:\/\/github\.com\/([^/]+\/[^/]+)$/;

/** `owner/name` of each GitHub URL among a paper's normalised code URLs. */
export function githubRepos(codeUrlsJson: string): string[] {
  let urls: unknown;
  try {
    urls = JSON.parse(codeUrlsJson);
  } catch {
    return [];
  }
  if (!Array.isArray(urls)) return [];
  return urls.flatMap((u) => (typeof u === 'string' ? (GITHUB_REPO.exec(u)?.slice(1, 2) ?? []) : []));
}

/** Repositories due for a check, never-checked first, then the longest unchecked. */
function dueRepos(repos: string[], states: Map<string, RepoState>, now: number): string[] {
  const due = repos.filter((repo) => {
    const state = states.get(repo);
    if (!state) return true;
    const age = now - Date.parse(state.checkedAt);
    return state.status === 'gone' ? age >= POLL_DEFAULTS.goneRetryDays * DAY_MS : age >= POLL_DEFAULTS.recheckMinutes * 60_000;
  });
  const checked = (repo: string) => states.get(repo)?.checkedAt ?? '';
  return due.sort((a, b) => checked(a).localeCompare(checked(b)) || a.localeCompare(b));
}

async function collectRepos(deps: PollDeps, now: Date): Promise<string[]> {
  const db = deps.database.db;
  const candidates = await candidatePapers(db, {
    publishedIso: new Date(now.getTime() - POLL_DEFAULTS.recentDays * DAY_MS).toISOString(),
    activeIso: new Date(now.getTime() - POLL_DEFAULTS.activeDays * DAY_MS).toISOString(),
  });
  const links = new Map(candidates.map((c) => [c.seq, githubRepos(c.codeUrls)]));
  await saveRepoLinks(db, links);
  return [...new Set([...links.values()].flat())];
}

function describeReset(rateLimit: RateLimit): string {
  return `GitHub rate limit reached (${rateLimit.remaining} left); resets at ${rateLimit.resetAt.toISOString()}`;
}

export async function pollGithubStars(deps: PollDeps, options: PollOptions = {}): Promise<PollReport> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const reserve = options.reserve ?? POLL_DEFAULTS.reserve;
  const api = new GithubApi(deps.http, deps.config.GITHUB_API_URL, deps.config.GITHUB_TOKEN);
  const repos = await collectRepos(deps, now());
  const due = dueRepos(repos, await repoStates(deps.database.db, repos), now().getTime());
  const report: PollReport = { candidates: repos.length, polled: 0, changed: 0, unchanged: 0, gone: 0 };
  if (due.length === 0) return report;

  let rateLimit = await api.rateLimit();
  if (rateLimit) report.rateLimit = rateLimit;
  let budget = Math.min(options.maxRepos ?? POLL_DEFAULTS.maxRepos, rateLimit ? rateLimit.remaining - reserve : Number.POSITIVE_INFINITY);
  for (const repo of due) {
    if (budget <= 0) {
      if (rateLimit && rateLimit.remaining - reserve <= 0) report.stoppedBy = describeReset(rateLimit);
      break;
    }
    const answer = await api.repoStars(repo);
    report.polled++;
    budget--;
    // Headers, when the client passes them, are fresher than our own count.
    if (answer.rateLimit) rateLimit = answer.rateLimit;
    else if (rateLimit) rateLimit = { ...rateLimit, remaining: rateLimit.remaining - 1 };
    if (rateLimit) {
      report.rateLimit = rateLimit;
      budget = Math.min(budget, rateLimit.remaining - reserve);
    }
    if (answer.kind === 'rate-limited') {
      report.stoppedBy = `GitHub rate limit: ${answer.message}${rateLimit ? `; resets at ${rateLimit.resetAt.toISOString()}` : ''}`;
      break;
    }
    if (answer.kind === 'gone') {
      log(`GitHub repository ${repo} is gone (HTTP ${answer.status}); asking again in ${POLL_DEFAULTS.goneRetryDays} days`);
      await saveObservation(deps.database.db, repo, { status: 'gone' }, now());
      report.gone++;
      continue;
    }
    const changed = await saveObservation(deps.database.db, repo, { status: 'ok', stars: answer.stars }, now());
    if (changed) report.changed++;
    else report.unchanged++;
  }
  return report;
}

export function formatPollReport(report: PollReport): string {
  const parts = [
    `${report.polled} of ${report.candidates} repositories polled`,
    `${report.changed} changed`,
    `${report.unchanged} unchanged`,
    `${report.gone} gone`,
  ];
  const limit = report.rateLimit ? `; rate limit ${report.rateLimit.remaining} left, resets ${report.rateLimit.resetAt.toISOString()}` : '';
  return `${parts.join(', ')}${limit}${report.stoppedBy ? `; stopped: ${report.stoppedBy}` : ''}`;
}

/**
 * The scheduled poll for `startScheduler`, or null without GITHUB_TOKEN: the
 * server polls only with a token (60 anonymous requests an hour are too few).
 * `onPolled` lets the caller drop cached rankings afterwards.
 */
export function githubPollJob(
  ctx: PollDeps & { log?: (message: string) => void },
  onPolled?: () => void,
): ScheduledJob | null {
  if (!ctx.config.GITHUB_TOKEN) return null;
  return {
    name: 'github-stars',
    schedule: ctx.config.GITHUB_POLL_SCHEDULE,
    run: async () => {
      const report = await pollGithubStars(ctx, { log: ctx.log });
      ctx.log?.(`github-stars: ${formatPollReport(report)}`);
      if (report.changed > 0) onPolled?.();
    },
  };
}
