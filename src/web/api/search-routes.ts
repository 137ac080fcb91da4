/** `GET /api/search` and `GET /api/papers/:id/similar`: thin handlers over SearchService. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SearchService } from '../../search/search-service.js';
import { describeZodError, sendApiError } from './api-errors.js';

const SearchParams = z.object({
  q: z.string().max(10_000, 'q: at most 10,000 characters').default(''),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1000).default(0),
  mode: z.enum(['hybrid', 'keyword', 'semantic']).default('hybrid'),
});

const SimilarParams = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });
const PaperId = z.object({ id: z.string().min(1).max(200) });

export function registerSearchRoutes(app: FastifyInstance, search: SearchService): void {
  app.get('/api/search', async (request, reply) => {
    const parsed = SearchParams.safeParse(request.query);
    if (!parsed.success) return sendApiError(reply, 400, 'bad_request', describeZodError(parsed.error));
    return reply.send(await search.search(parsed.data));
  });

  app.get('/api/papers/:id/similar', async (request, reply) => {
    const params = PaperId.safeParse(request.params);
    const query = SimilarParams.safeParse(request.query);
    if (!params.success) return sendApiError(reply, 400, 'bad_request', describeZodError(params.error));
    if (!query.success) return sendApiError(reply, 400, 'bad_request', describeZodError(query.error));
    const similar = await search.similar(params.data.id, query.data.limit);
    if (!similar) return sendApiError(reply, 404, 'not_found', `no paper with id "${params.data.id}"`);
    return reply.send({ id: similar.paper.id, title: similar.paper.title, results: similar.results });
  });
}
