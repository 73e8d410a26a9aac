#include "domain/order_status.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace shop::order::domain {
namespace {

using S = OrderStatus;

// The legal transitions, written out independently of the implementation.
const std::set<std::pair<S, S>> kLegal = {
    {S::kPending, S::kReserved}, {S::kPending, S::kCancelled}, {S::kPending, S::kRejected},
    {S::kReserved, S::kPaid},    {S::kReserved, S::kCancelled}, {S::kPaid, S::kShipped},
    {S::kPaid, S::kRefunded},    {S::kShipped, S::kDelivered}, {S::kShipped, S::kRefunded},
    {S::kDelivered, S::kRefunded},
};

TEST(OrderStatusTest, EveryPairIsLegalExactlyWhenTheMachineSaysSo) {
  for (auto from : kAllStatuses) {
    for (auto to : kAllStatuses) {
      const bool legal = kLegal.count({from, to}) == 1;
      EXPECT_EQ(CanTransition(from, to), legal) << ToString(from) << " -> " << ToString(to);
      auto checked = CheckTransition(from, to);
      EXPECT_EQ(checked.has_value(), legal) << ToString(from) << " -> " << ToString(to);
    }
  }
}

TEST(OrderStatusTest, IllegalTransitionIsConflictNamingTheCurrentStatus) {
  auto r = CheckTransition(S::kPaid, S::kCancelled);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  EXPECT_NE(r.error().detail.find("PAID"), std::string::npos);
  EXPECT_NE(r.error().detail.find("CANCELLED"), std::string::npos);
}

TEST(OrderStatusTest, TerminalStatusesAllowNothing) {
  for (auto terminal : {S::kCancelled, S::kRejected, S::kRefunded}) {
    for (auto to : kAllStatuses) EXPECT_FALSE(CanTransition(terminal, to)) << ToString(terminal);
  }
}

TEST(OrderStatusTest, NoStatusTransitionsToItself) {
  for (auto s : kAllStatuses) EXPECT_FALSE(CanTransition(s, s)) << ToString(s);
}

TEST(OrderStatusTest, NamesRoundTripAndParsingIsExact) {
  for (auto s : kAllStatuses) EXPECT_EQ(ParseStatus(ToString(s)), s);
  EXPECT_FALSE(ParseStatus("paid"));
  EXPECT_FALSE(ParseStatus(""));
  EXPECT_FALSE(ParseStatus("SHIPPING"));
}

}  // namespace
}  // namespace shop::order::domain
