// Private to shop_kafka: creates topics with the Admin API (rd_kafka_CreateTopics; the C++ API has
// no admin client). "Already exists" counts as success.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <vector>

#include "shop/core/error.hpp"

namespace shop::events::kafka_detail {

Result<void> CreateTopics(rd_kafka_t* rk, const std::vector<std::string>& names, int partitions,
                          int replication_factor, int timeout_ms);

}  // namespace shop::events::kafka_detail
