/**
 * Statements prepared once per SQLite connection and kept as long as the
 * connection lives: preparing costs as much as running a small statement, and
 * a module's statements belong to the connection they were prepared on.
 */
import type Database from 'better-sqlite3';

export function preparedPerConnection<T>(prepare: (sqlite: Database.Database) => T): (sqlite: Database.Database) => T {
  const byConnection = new WeakMap<Database.Database, T>();
  return (sqlite) => {
    let prepared = byConnection.get(sqlite);
    if (prepared === undefined) {
      prepared = prepare(sqlite);
      byConnection.set(sqlite, prepared);
    }
    return prepared;
  };
}
