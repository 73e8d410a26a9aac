-- product-service schema (SQLite). Money in integer cents, times in Unix milliseconds.
-- `seq` is the stable integer key the full-text index refers to (PostgreSQL: BIGSERIAL + GIN).
CREATE TABLE products (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  sku          TEXT NOT NULL,
  name         TEXT NOT NULL,
  name_key     TEXT NOT NULL,               -- lower-cased name: the sort=name key
  description  TEXT NOT NULL DEFAULT '',
  price_cents  INTEGER NOT NULL CHECK (price_cents > 0),
  currency     TEXT NOT NULL,
  category     TEXT NOT NULL,
  deleted      INTEGER NOT NULL DEFAULT 0,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
-- A SKU is unique among live products; a deleted product's SKU may be reused.
CREATE UNIQUE INDEX products_sku_live ON products (sku) WHERE deleted = 0;
CREATE INDEX products_created ON products (created_at, id) WHERE deleted = 0;
CREATE INDEX products_price ON products (price_cents, id) WHERE deleted = 0;
CREATE INDEX products_name ON products (name_key, id) WHERE deleted = 0;
CREATE INDEX products_category_created ON products (category, created_at, id) WHERE deleted = 0;
CREATE INDEX products_category_price ON products (category, price_cents, id) WHERE deleted = 0;

CREATE VIRTUAL TABLE products_fts USING fts5 (
  name, description, sku,
  content = 'products', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
  INSERT INTO products_fts (rowid, name, description, sku) VALUES (new.seq, new.name, new.description, new.sku);
END;
CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, description, sku)
  VALUES ('delete', old.seq, old.name, old.description, old.sku);
END;
CREATE TRIGGER products_fts_au AFTER UPDATE OF name, description, sku ON products BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, description, sku)
  VALUES ('delete', old.seq, old.name, old.description, old.sku);
  INSERT INTO products_fts (rowid, name, description, sku) VALUES (new.seq, new.name, new.description, new.sku);
END;

CREATE TABLE inventory (
  product_id  TEXT PRIMARY KEY,
  on_hand     INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved    INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at  INTEGER NOT NULL,
  CHECK (reserved <= on_hand)
) WITHOUT ROWID;

-- One row per (order, product); status: held -> committed | released.
CREATE TABLE reservations (
  order_id    TEXT NOT NULL,
  product_id  TEXT NOT NULL,
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  status      TEXT NOT NULL,
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (order_id, product_id)
) WITHOUT ROWID;
CREATE INDEX reservations_held_expiry ON reservations (expires_at) WHERE status = 'held';
