/**
 * The OpenAPI 3.1 description of every /api route, written by hand so it
 * reads well; api tests check that each registered /api route appears here.
 */
import type { FastifyInstance } from 'fastify';
import { TRENDING_WINDOWS } from '../../trending/trending-provider.js';

const error = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const paperIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Paper id: arXiv id without version (`2401.01234`), URL-encoded when it holds a slash (`hep-th%2F9901001`), or a generated `pb-…` id.',
  schema: { type: 'string', maxLength: 200 },
};

const intParam = (name: string, description: string, min: number, max: number, dflt: number) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'integer', minimum: min, maximum: max, default: dflt },
});

const paperFields = {
  id: { type: 'string' },
  title: { type: 'string' },
  authors: { type: 'array', items: { type: 'string' } },
  categories: { type: 'array', items: { type: 'string' }, description: 'arXiv categories, primary first' },
  published: { type: ['string', 'null'], format: 'date-time' },
  codeUrls: { type: 'array', items: { type: 'string', format: 'uri' } },
  absUrl: { type: ['string', 'null'], format: 'uri' },
};

export function openApiDocument(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Paperboy API', version: '1', description: 'Read-only JSON API of a Paperboy catalogue: search, trending, papers. Errors are `{ "error": { "code", "message" } }`. CORS is open for GET.' },
    servers: [{ url: publicUrl }],
    paths: {
      '/api/search': {
        get: {
          summary: 'Search papers',
          description: 'Hybrid keyword and semantic search with the query language of the search page (quotes, -exclude, author:, cat:, year:, after:/before:, has:code, sort:).',
          parameters: [
            { name: 'q', in: 'query', description: 'The query', schema: { type: 'string', maxLength: 10000, default: '' } },
            intParam('limit', 'Results per page', 1, 100, 20),
            intParam('offset', 'Results to skip', 0, 1000, 0),
            { name: 'mode', in: 'query', schema: { type: 'string', enum: ['hybrid', 'keyword', 'semantic'], default: 'hybrid' } },
          ],
          responses: { 200: { description: 'Results', content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResponse' } } } }, 400: error, 429: error },
        },
      },
      '/api/trending': {
        get: {
          summary: 'Trending papers',
          parameters: [
            { name: 'window', in: 'query', schema: { type: 'string', enum: [...TRENDING_WINDOWS], default: 'week' } },
            intParam('limit', 'Papers per page', 1, 100, 25),
            intParam('offset', 'Papers to skip', 0, 10000, 0),
          ],
          responses: { 200: { description: 'Ranked papers', content: { 'application/json': { schema: { $ref: '#/components/schemas/TrendingResponse' } } } }, 400: error, 429: error },
        },
      },
      '/api/papers/{id}': {
        get: {
          summary: 'One paper',
          parameters: [paperIdParam],
          responses: { 200: { description: 'The paper', content: { 'application/json': { schema: { $ref: '#/components/schemas/Paper' } } } }, 301: { description: 'An old id: the Location header has the current one' }, 404: error, 429: error },
        },
      },
      '/api/papers/{id}/similar': {
        get: {
          summary: 'Papers similar to one paper',
          parameters: [paperIdParam, intParam('limit', 'How many', 1, 50, 10)],
          responses: {
            200: { description: 'Similar papers', content: { 'application/json': { schema: { type: 'object', required: ['id', 'title', 'results'], properties: { id: { type: 'string' }, title: { type: 'string' }, results: { type: 'array', items: { $ref: '#/components/schemas/SearchResult' } } } } } } },
            400: error,
            404: error,
            429: error,
          },
        },
      },
      '/api/subscriptions': {
        post: {
          summary: 'Subscribe an address to the digest',
          description: 'Starts double opt-in: a confirmation mail goes to the address, nothing else until it is confirmed. The answer is the same whatever the address’s state, so it reveals nothing about who subscribes. JSON bodies only (a cross-site HTML form cannot send one).',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['email'],
                  additionalProperties: false,
                  properties: {
                    email: { type: 'string', format: 'email' },
                    frequency: { type: 'string', enum: ['daily', 'weekly'], default: 'daily' },
                    timezone: { type: 'string', description: 'IANA time zone', default: 'UTC' },
                    topics: { type: 'array', items: { type: 'object', required: ['kind', 'value'], properties: { kind: { type: 'string', enum: ['query', 'category', 'author'] }, value: { type: 'string' } } } },
                  },
                },
              },
            },
          },
          responses: {
            202: { description: 'Accepted', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'accepted' }, message: { type: 'string' } } } } } },
            400: error,
            415: error,
            429: error,
          },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': {} } } } } },
    },
    components: {
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: ['bad_request', 'not_found', 'rate_limited', 'internal'] }, message: { type: 'string' } } } } },
        SearchResult: {
          type: 'object',
          properties: { ...paperFields, score: { type: 'number' }, snippet: { type: 'string', description: 'HTML: escaped abstract excerpt with matches in <mark>' }, matchedBy: { type: 'array', items: { type: 'string', enum: ['keyword', 'semantic', 'title'] } } },
        },
        SearchResponse: {
          type: 'object',
          properties: {
            query: { type: 'string' },
            total: { type: 'integer' },
            totalIsLowerBound: { type: 'boolean' },
            results: { type: 'array', items: { $ref: '#/components/schemas/SearchResult' } },
            corrections: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
            warnings: { type: 'array', items: { type: 'string' } },
            mode: { type: 'string' },
            sort: { type: 'string' },
          },
        },
        Paper: {
          type: 'object',
          properties: {
            ...paperFields,
            arxivId: { type: ['string', 'null'] },
            version: { type: ['integer', 'null'] },
            doi: { type: ['string', 'null'] },
            abstract: { type: ['string', 'null'] },
            updated: { type: ['string', 'null'], format: 'date-time' },
            journalRef: { type: ['string', 'null'] },
            comments: { type: ['string', 'null'] },
            pdfUrl: { type: ['string', 'null'], format: 'uri' },
            upvotes: { type: 'integer' },
            url: { type: 'string', format: 'uri', description: 'The paper’s page on this site' },
          },
        },
        TrendingResponse: {
          type: 'object',
          properties: {
            window: { type: 'string', enum: [...TRENDING_WINDOWS] },
            total: { type: 'integer' },
            fallback: { type: ['string', 'null'], enum: ['newest', null], description: '"newest" when nothing happened in the window and the list is newest-first' },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
            results: {
              type: 'array',
              items: {
                allOf: [
                  { $ref: '#/components/schemas/Paper' },
                  { type: 'object', properties: { score: { type: 'number' }, explanation: { type: 'string' }, components: { type: 'object', properties: { upvotes: { type: 'number' }, views: { type: 'number' }, githubStars: { type: 'number' }, hfUpvotes: { type: 'number' } } } } },
                ],
              },
            },
          },
        },
      },
    },
  };
}

export function registerOpenApiRoute(app: FastifyInstance, publicUrl: string): void {
  const body = JSON.stringify(openApiDocument(publicUrl));
  app.get('/api/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body));
}
