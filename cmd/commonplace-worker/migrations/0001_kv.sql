-- The relay's key/value store (package server/store/sqlstore, Schema).
CREATE TABLE IF NOT EXISTS kv (
  k TEXT PRIMARY KEY,
  gen TEXT NOT NULL,
  parts INTEGER NOT NULL,
  v BLOB
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv_part (
  k TEXT NOT NULL,
  gen TEXT NOT NULL,
  idx INTEGER NOT NULL,
  v BLOB NOT NULL,
  PRIMARY KEY (k, gen, idx)
) WITHOUT ROWID;
