-- Payments of orders. Card data: only the brand and the last four digits are ever stored.
CREATE TABLE payments (
  id             TEXT    PRIMARY KEY,
  order_id       TEXT    NOT NULL,
  user_id        TEXT    NOT NULL,
  status         TEXT    NOT NULL CHECK (status IN ('SUCCEEDED', 'FAILED', 'REFUNDED')),
  amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
  currency       TEXT    NOT NULL,
  failure_reason TEXT,
  card_brand     TEXT    NOT NULL,
  card_last4     TEXT    NOT NULL,
  provider       TEXT    NOT NULL,
  provider_ref   TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  refunded_at    INTEGER
);

-- At most one captured payment per order, under any concurrency: a second SUCCEEDED insert fails
-- with a unique violation (-> 409). A refunded payment keeps its slot (the order is REFUNDED).
CREATE UNIQUE INDEX payments_one_capture_per_order ON payments (order_id)
  WHERE status IN ('SUCCEEDED', 'REFUNDED');

CREATE INDEX payments_by_order ON payments (order_id, id);
CREATE INDEX payments_by_user ON payments (user_id, id);
