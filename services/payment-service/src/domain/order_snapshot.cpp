#include "domain/order_snapshot.hpp"

namespace shop::payment::domain {

Result<void> CheckPayable(const OrderSnapshot& order) {
  if (order.status == "PENDING") {
    Error e = Error::Conflict("order is PENDING: reservation in progress, retry");
    e.retry_after_s = 1;
    return e;
  }
  if (order.status != "RESERVED") {
    return Error::Conflict("order is " + order.status + "; only a RESERVED order can be paid");
  }
  if (order.total_cents <= 0) return Error::Conflict("order has nothing to pay");
  return Ok();
}

}  // namespace shop::payment::domain
