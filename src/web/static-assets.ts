/**
 * The site's stylesheet and script (src/web/static). They are not TypeScript,
 * so the build does not copy them: they are read from the package directory,
 * which holds `src/` both in a checkout and in an installed package. Each URL
 * carries a hash of the file, so browsers may cache it for a year and still
 * see a new release at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PACKAGE_ROOT } from '../config/paths.js';

export const STATIC_DIR = join(PACKAGE_ROOT, 'src', 'web', 'static');

const TYPES: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  hash: string;
  type: string;
}

let assets: Map<string, Asset> | undefined;

/** Read once: the files are part of the installed release and do not change while it runs. */
function loadAssets(): Map<string, Asset> {
  if (!assets) {
    assets = new Map();
    for (const [name, type] of Object.entries(TYPES)) {
      const body = readFileSync(join(STATIC_DIR, name));
      assets.set(name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
    }
  }
  return assets;
}

/** The versioned URL of an asset, for templates. */
export function assetUrl(name: keyof typeof TYPES & string): string {
  const asset = loadAssets().get(name);
  return asset ? `/static/${name}?v=${asset.hash}` : `/static/${name}`;
}

export function registerStaticAssets(app: FastifyInstance): void {
  loadAssets();
  app.get<{ Params: { name: string }; Querystring: { v?: string } }>('/static/:name', async (request, reply) => {
    const asset = loadAssets().get(request.params.name);
    if (!asset) return reply.callNotFound();
    const etag = `"${asset.hash}"`;
    const versioned = request.query.v === asset.hash;
    reply.header('etag', etag).header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });
}
