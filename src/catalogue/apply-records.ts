/**
 * Applies a batch of source records to the catalogue: each record is matched
 * to the paper it describes (by arXiv id, then DOI, then normalised title),
 * merged, and the batch is written. The caller owns the transaction, so a
 * document either lands whole or not at all.
 */
import { titleKey } from './identifiers.js';
import { mergeRecord, paperFromRecord } from './merge.js';
import type { Paper, PaperRecord, SignalObservation } from './paper.js';
import {
  addAlias,
  insertSignals,
  kyselyBatchWriter,
  latestSignalValues,
  type BatchWriter,
  type Executor,
  type MatchKeys,
} from './paper-store.js';

export interface ApplyCounts {
  new: number;
  updated: number;
  unchanged: number;
}

// A title shorter than this ("Introduction", "Erratum") is too common to
// identify a paper on its own.
const MIN_TITLE_KEY_LENGTH = 10;

interface Entry {
  seq?: number;
  original?: Paper;
  paper: Paper;
  /** titleKey(paper.title), kept with the paper: it is needed several times per record. */
  titleKey: string;
  /** Latest known value per `${source}|${metric}`, stored or from earlier records of the batch. */
  signalValues: Map<string, number>;
  /** Signal observations that differ from the latest value and are to be stored. */
  newSignals: Array<{ source: string; observation: SignalObservation }>;
}

/** The batch's view of the catalogue: stored candidates plus papers created by earlier records of the batch. */
class BatchIndex {
  private readonly byArxiv = new Map<string, Entry>();
  private readonly byDoi = new Map<string, Entry>();
  private readonly byTitle = new Map<string, Entry[]>();
  readonly entries: Entry[] = [];

  add(entry: Entry): void {
    this.entries.push(entry);
    this.index(entry);
  }

  /** Re-index after a merge gave the paper an arXiv id or DOI it lacked. */
  index(entry: Entry): void {
    const { arxivId, doi } = entry.paper;
    if (arxivId && !this.byArxiv.has(arxivId)) this.byArxiv.set(arxivId, entry);
    if (doi && !this.byDoi.has(doi)) this.byDoi.set(doi, entry);
    const list = this.byTitle.get(entry.titleKey);
    if (!list) this.byTitle.set(entry.titleKey, [entry]);
    else if (!list.includes(entry)) list.push(entry);
  }

  /** `key` is titleKey(record.title). */
  match(record: PaperRecord, key: string): Entry | undefined {
    if (record.arxivId) {
      const hit = this.byArxiv.get(record.arxivId);
      if (hit) return hit;
    }
    if (record.doi) {
      const hit = this.byDoi.get(record.doi);
      if (hit && compatible(hit.paper, record)) return hit;
    }
    if (key.length < MIN_TITLE_KEY_LENGTH) return undefined;
    return this.byTitle.get(key)?.find((entry) => compatible(entry.paper, record));
  }
}

/** Identifiers that disagree mean different papers, whatever the titles say. */
function compatible(paper: Paper, record: PaperRecord): boolean {
  if (paper.arxivId && record.arxivId && paper.arxivId !== record.arxivId) return false;
  if (paper.doi && record.doi && paper.doi !== record.doi) return false;
  return true;
}

/** The arXiv ids of the records, and the DOIs and usable title keys of those at `positions`. */
function matchKeys(records: PaperRecord[], keys: string[], positions: number[]): MatchKeys {
  const arxivIds: string[] = [];
  const dois: string[] = [];
  const titleKeys: string[] = [];
  for (const i of positions) {
    const record = records[i]!;
    if (record.doi) dois.push(record.doi);
    if (keys[i]!.length >= MIN_TITLE_KEY_LENGTH) titleKeys.push(keys[i]!);
  }
  for (const record of records) if (record.arxivId) arxivIds.push(record.arxivId);
  return { arxivIds: [...new Set(arxivIds)], dois: [...new Set(dois)], titleKeys: [...new Set(titleKeys)] };
}

/** Records the record's signals that differ from the latest known values; true if any did. */
function observeSignals(entry: Entry, record: PaperRecord): boolean {
  let changed = false;
  for (const observation of record.signals ?? []) {
    const key = `${record.source}|${observation.metric}`;
    if (entry.signalValues.get(key) === observation.value) continue;
    entry.signalValues.set(key, observation.value);
    entry.newSignals.push({ source: record.source, observation });
    changed = true;
  }
  return changed;
}

async function loadStored(db: Executor, writer: BatchWriter, records: PaperRecord[], keys: string[], index: BatchIndex): Promise<void> {
  // A record whose arXiv id is stored matches by it alone, so DOIs and titles
  // are looked up only for the others (usually none on a re-ingest).
  const { arxivIds } = matchKeys(records, keys, []);
  const byArxiv = arxivIds.length > 0 ? await writer.findByKeys({ arxivIds, dois: [], titleKeys: [] }) : [];
  const known = new Set(byArxiv.map((s) => s.paper.arxivId));
  const rest = records.flatMap((r, i) => (!r.arxivId || !known.has(r.arxivId) ? [i] : []));
  const { dois, titleKeys } = matchKeys(records, keys, rest);
  const others = dois.length + titleKeys.length > 0 ? await writer.findByKeys({ arxivIds: [], dois, titleKeys }) : [];
  const seen = new Set(byArxiv.map((s) => s.seq));
  const stored = [...byArxiv, ...others.filter((s) => !seen.has(s.seq))].sort((a, b) => a.seq - b.seq);
  const wantSignals = records.some((r) => r.signals && r.signals.length > 0);
  const latest = wantSignals ? await latestSignalValues(db, stored.map((s) => s.seq)) : new Map<string, number>();
  for (const { seq, paper } of stored) {
    const signalValues = new Map<string, number>();
    for (const [key, value] of latest) {
      if (key.startsWith(`${seq}|`)) signalValues.set(key.slice(key.indexOf('|') + 1), value);
    }
    index.add({ seq, original: paper, paper, titleKey: titleKey(paper.title), signalValues, newSignals: [] });
  }
}

/**
 * `writer` does the lookups and inserts; by default the dialect-neutral Kysely
 * queries on `db` (ingest passes the database's own, see batch-writer.ts).
 */
export async function applyRecords(
  db: Executor,
  records: PaperRecord[],
  now: string,
  writer: BatchWriter = kyselyBatchWriter(db),
): Promise<ApplyCounts> {
  const counts: ApplyCounts = { new: 0, updated: 0, unchanged: 0 };
  if (records.length === 0) return counts;
  const index = new BatchIndex();
  const keys = records.map((r) => titleKey(r.title));
  await loadStored(db, writer, records, keys, index);
  for (const [i, record] of records.entries()) {
    let entry = index.match(record, keys[i]!);
    if (!entry) {
      entry = { paper: paperFromRecord(record, now), titleKey: keys[i]!, signalValues: new Map(), newSignals: [] };
      index.add(entry);
      observeSignals(entry, record);
      counts.new++;
      continue;
    }
    const merged = mergeRecord(entry.paper, record, now);
    const paperChanged = merged !== entry.paper;
    const signalsChanged = observeSignals(entry, record);
    if (paperChanged) {
      if (merged.title !== entry.paper.title) entry.titleKey = titleKey(merged.title);
      entry.paper = merged;
      index.index(entry);
    }
    if (paperChanged || signalsChanged) counts.updated++;
    else counts.unchanged++;
  }
  await writeEntries(db, writer, index.entries);
  await insertSignals(db, index.entries.flatMap((e) => e.newSignals.map((s) => ({ seq: e.seq!, ...s }))), now);
  await writer.endBatch();
  return counts;
}

async function writeEntries(db: Executor, writer: BatchWriter, entries: Entry[]): Promise<void> {
  const fresh = entries.filter((e) => e.seq === undefined);
  const seqById = await writer.insertPapers(fresh.map((e) => e.paper));
  for (const entry of fresh) entry.seq = seqById.get(entry.paper.id);
  for (const entry of entries) {
    if (!entry.original || entry.paper === entry.original) continue;
    await writer.updatePaper(entry.seq!, entry.original, entry.paper);
    // A generated id replaced by the arXiv id stays reachable: old links keep working.
    if (entry.paper.id !== entry.original.id) await addAlias(db, entry.original.id, entry.seq!);
  }
}
