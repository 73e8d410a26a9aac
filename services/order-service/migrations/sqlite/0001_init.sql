-- order-service schema v1: orders with their priced lines (as they were at order time), and carts.
-- Timestamps are Unix milliseconds; money is integer minor units.
CREATE TABLE orders (
  id                     TEXT    PRIMARY KEY,
  user_id                TEXT    NOT NULL,
  status                 TEXT    NOT NULL,
  total_cents            INTEGER NOT NULL,
  currency               TEXT    NOT NULL,
  ship_name              TEXT    NOT NULL,
  ship_line1             TEXT    NOT NULL,
  ship_line2             TEXT,
  ship_city              TEXT    NOT NULL,
  ship_state             TEXT,
  ship_postal_code       TEXT    NOT NULL,
  ship_country           TEXT    NOT NULL,
  failure_reason         TEXT,
  failure_detail         TEXT,
  payment_id             TEXT,
  last_payment_error     TEXT,
  reservation_expires_at INTEGER,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL
);
CREATE INDEX orders_user_id ON orders (user_id, id);
CREATE INDEX orders_status_created ON orders (status, created_at);

CREATE TABLE order_items (
  order_id         TEXT    NOT NULL REFERENCES orders (id),
  line_no          INTEGER NOT NULL,
  product_id       TEXT    NOT NULL,
  sku              TEXT    NOT NULL,
  name             TEXT    NOT NULL,
  unit_price_cents INTEGER NOT NULL,
  quantity         INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE cart_items (
  user_id    TEXT    NOT NULL,
  product_id TEXT    NOT NULL,
  quantity   INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, product_id)
);
