/**
 * Finds code repositories mentioned in an abstract or comment and normalises
 * them, so "https://github.com/Foo/bar.git." and "github.com/foo/bar/tree/main"
 * count as one repository.
 */

const REPO_URL =
  /(?:https?:\/\/)?(?:www\.)?(github\.com|gitlab\.com|huggingface\.co)\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)(?:\/([A-Za-z0-9_.-]+))?/gi;

// Path segments on huggingface.co that are not user names: a URL under one of
// these has the owner one segment further down.
const HF_KINDS = new Set(['spaces', 'datasets', 'models']);
// GitHub paths that look like owner/repo but are pages of the site.
const NOT_A_REPO_OWNER = new Set(['features', 'sponsors', 'orgs', 'topics', 'marketplace', 'about', 'login', 'settings']);

function trimRepoName(name: string): string {
  return name.replace(/[.]+$/, '').replace(/\.git$/i, '');
}

export function normalizeCodeUrl(host: string, owner: string, repo: string, third?: string): string | null {
  const lowerHost = host.toLowerCase();
  if (lowerHost === 'huggingface.co') {
    if (HF_KINDS.has(owner.toLowerCase())) {
      if (!third) return null;
      return `https://huggingface.co/${owner.toLowerCase()}/${repo}/${trimRepoName(third)}`;
    }
    if (owner.toLowerCase() === 'papers') return null;
    return `https://huggingface.co/${owner}/${trimRepoName(repo)}`;
  }
  if (NOT_A_REPO_OWNER.has(owner.toLowerCase())) return null;
  const name = trimRepoName(repo);
  if (!name) return null;
  // GitHub and GitLab paths are case-insensitive; lower-case so duplicates merge.
  return `https://${lowerHost}/${owner.toLowerCase()}/${name.toLowerCase()}`;
}

// A cheap test (one literal alternation) that lets the slow, unanchored URL
// pattern skip the texts that name no code host at all, which is most of them.
const MENTIONS_CODE_HOST = /github\.com|gitlab\.com|huggingface\.co/i;

/** All distinct repository URLs in the given texts, in order of first mention. */
export function extractCodeUrls(...texts: Array<string | undefined | null>): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    if (!text || !MENTIONS_CODE_HOST.test(text)) continue;
    // arXiv wraps long lines; a URL broken by a newline is rejoined first.
    const joined = text.replace(/(github\.com|gitlab\.com|huggingface\.co)\/\s+/gi, '$1/');
    for (const m of joined.matchAll(REPO_URL)) {
      const url = normalizeCodeUrl(m[1]!, m[2]!, m[3]!, m[4]);
      if (url) found.add(url);
    }
  }
  return [...found];
}

/** Normalises a URL given explicitly as a code link (e.g. HF `githubRepo`). */
export function normalizeExplicitCodeUrl(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  return extractCodeUrls(raw)[0];
}
