// Failpoints: named places in the code where a test can make the process crash, stall or fail at an
// exact step. Compiled in, off unless configured:
//   FAILPOINTS="orders.after_commit=crash,outbox.before_publish=sleep(2000),db.before_commit=error"
// Actions: crash (the process dies at once, like kill -9: no destructors, no flush), sleep(ms),
// error (Hit returns an error), and a count prefix "3*error" (only the first 3 hits fire), or a
// probability "10%crash". Off, a Hit costs one relaxed atomic load.
#pragma once

#include <string_view>

#include "shop/core/error.hpp"

namespace shop::failpoint {

// Parses a FAILPOINTS spec and replaces the configuration. Returns an error naming the bad entry.
Result<void> Configure(std::string_view spec);
void Clear();

// Evaluates the failpoint `name`: crashes, sleeps, or returns kUnavailable when so configured.
Result<void> Hit(std::string_view name);

}  // namespace shop::failpoint
