// Events: the seed's envelope {event_id, event_type, timestamp, version, data}, the transactional
// outbox that publishes them, and the inbox that makes consumers idempotent.
//
// Topics are one per aggregate: users, products, inventory, orders, payments. The aggregate id is
// the message key (per-aggregate ordering on Kafka).
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <vector>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"
#include "shop/db/database.hpp"
#include "shop/db/migrations.hpp"

namespace shop::events {

struct Envelope {
  std::string event_id;      // UUIDv7
  std::string event_type;    // "OrderCreated"
  std::string topic;         // "orders"
  std::string key;           // aggregate id
  UnixMillis timestamp = 0;
  int version = 1;
  boost::json::object data;

  // {"event_id","event_type","timestamp","version","data"} (+ "topic", "key" are transport-level).
  std::string ToJson() const;
  static Result<Envelope> FromJson(std::string_view text, std::string topic = {}, std::string key = {});
};

// A new envelope with a fresh id and the current time.
Envelope Make(std::string topic, std::string event_type, std::string key, boost::json::object data,
              const Clock& clock = SystemClock::Instance());

// The tables `outbox` and `inbox` (component "events"); every service runs these migrations.
std::vector<db::Migration> SchemaMigrations();

// Appends an event to the outbox inside the caller's transaction: it is published if and only if
// that transaction commits.
Result<void> Append(db::Tx& tx, const Envelope& e);

// Records that `consumer` handled `event_id`, inside the handler's transaction. Returns true the
// first time, false for a duplicate (the handler must then do nothing).
Result<bool> Remember(db::Tx& tx, std::string_view consumer, std::string_view event_id);

// A consumer: returns an error to have the event redelivered later (its transaction rolled back).
using Handler = std::function<Result<void>(const Envelope&)>;

// The bus: in-process for the embedded shape (InProcBus), Kafka for the distributed one.
class Bus {
 public:
  virtual ~Bus() = default;
  // Handlers for `topic` registered by `consumer` (a service name). Register before Start().
  virtual void Subscribe(std::string topic, std::string consumer, Handler handler) = 0;
  // Delivers one event to every subscriber of its topic. Ok only when every subscriber has
  // handled it (at-least-once: a failed subscriber gets it again on the next attempt).
  virtual Result<void> Publish(const Envelope& e) = 0;
  // Publishes several events as that many Publish() calls would, but lets the bus overlap them
  // (KafkaBus produces them all, then waits once for all the acknowledgements). Returns one
  // result per event, in the order given; a failure of one does not stop the others. Events of one
  // call may be delivered in any order relative to each other, so the outbox relay never passes
  // two events of one topic+key in one call. The default calls Publish() for each in turn.
  virtual std::vector<Result<void>> PublishBatch(const std::vector<Envelope>& events);
};

}  // namespace shop::events
