/**
 * Table types for Kysely. JSON-valued columns are stored as text in both
 * dialects so that the query modules above them stay dialect-neutral.
 */
import type { Generated } from 'kysely';

export interface PapersTable {
  /** Internal key that foreign keys use; the public `id` may change once (generated id → arXiv id). */
  seq: Generated<number>;
  id: string;
  arxiv_id: string | null;
  doi: string | null;
  title_key: string;
  title: string;
  abstract: string | null;
  /** JSON array of strings. */
  authors: string;
  /** JSON array of category codes, primary first. */
  categories: string;
  primary_category: string | null;
  published_at: string | null;
  updated_at: string | null;
  version: number | null;
  journal_ref: string | null;
  comments: string | null;
  abs_url: string | null;
  pdf_url: string | null;
  /** JSON array of normalised repository URLs. */
  code_urls: string;
  has_code: number;
  /** JSON array of source names. */
  sources: string;
  /** Filter tokens for the full-text index (see catalogue/search-tags.ts). */
  search_tags: string;
  first_seen_at: string;
  last_seen_at: string;
}

export interface PaperAliasesTable {
  alias: string;
  paper_seq: number;
}

export interface PaperSignalsTable {
  id: Generated<number>;
  paper_seq: number;
  source: string;
  metric: string;
  value: number;
  observed_at: string;
}

export interface HarvestStateTable {
  source_key: string;
  /** JSON: where the harvest stopped (resumption token, next offset, next date…). */
  checkpoint: string | null;
  /** Upper bound of the last harvest that completed: the next one starts here. */
  harvested_until: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
}

export interface IngestRunsTable {
  id: Generated<number>;
  source: string;
  format: string | null;
  started_at: string;
  finished_at: string | null;
  status: string;
  new_count: number;
  updated_count: number;
  unchanged_count: number;
  rejected_count: number;
  error: string | null;
}

export interface SearchVocabularyTable {
  /** Folded, unstemmed word (see search/text/tokenize.ts). */
  word: string;
  /** Papers whose title or abstract contain the word. */
  doc_count: number;
}

export interface SearchModelsTable {
  id: string;
  kind: string;
  created_at: string;
  paper_count: number;
  /** JSON parameters (dimensions, vocabulary size…). */
  params: string;
  data: Uint8Array;
  active: number;
}

export interface PaperVectorsTable {
  paper_seq: number;
  model_id: string;
  /** Little-endian float32 (or int8, per the model's params) vector. */
  vector: Uint8Array;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface Database {
  papers: PapersTable;
  paper_aliases: PaperAliasesTable;
  paper_signals: PaperSignalsTable;
  harvest_state: HarvestStateTable;
  ingest_runs: IngestRunsTable;
  search_vocabulary: SearchVocabularyTable;
  search_models: SearchModelsTable;
  paper_vectors: PaperVectorsTable;
  schema_migrations: SchemaMigrationsTable;
}
