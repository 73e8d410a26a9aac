#include "topics.hpp"

#include <array>
#include <memory>

namespace shop::events::kafka_detail {
namespace {

struct Deleter {
  void operator()(rd_kafka_AdminOptions_t* p) const { rd_kafka_AdminOptions_destroy(p); }
  void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
  void operator()(rd_kafka_event_t* p) const { rd_kafka_event_destroy(p); }
};

}  // namespace

Result<void> CreateTopics(rd_kafka_t* rk, const std::vector<std::string>& names, int partitions,
                          int replication_factor, int timeout_ms) {
  if (names.empty()) return Ok();
  std::array<char, 512> err{};
  std::vector<rd_kafka_NewTopic_t*> topics;
  auto free_topics = [&] { rd_kafka_NewTopic_destroy_array(topics.data(), topics.size()); };
  for (const auto& name : names) {
    auto* t = rd_kafka_NewTopic_new(name.c_str(), partitions, replication_factor, err.data(), err.size());
    if (t == nullptr) {
      free_topics();
      return Error::Invalid("topic", name + ": " + err.data());
    }
    topics.push_back(t);
  }
  std::unique_ptr<rd_kafka_AdminOptions_t, Deleter> opts(rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS));
  rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout_ms, err.data(), err.size());
  rd_kafka_AdminOptions_set_operation_timeout(opts.get(), timeout_ms, err.data(), err.size());
  std::unique_ptr<rd_kafka_queue_t, Deleter> queue(rd_kafka_queue_new(rk));
  rd_kafka_CreateTopics(rk, topics.data(), topics.size(), opts.get(), queue.get());
  free_topics();
  std::unique_ptr<rd_kafka_event_t, Deleter> ev(rd_kafka_queue_poll(queue.get(), timeout_ms + 1'000));
  if (!ev) return Error::Unavailable("kafka create topics: no answer in time");
  if (const auto e = rd_kafka_event_error(ev.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error::Unavailable(std::string("kafka create topics: ") + rd_kafka_event_error_string(ev.get()));
  }
  const auto* result = rd_kafka_event_CreateTopics_result(ev.get());
  size_t count = 0;
  const auto* const* results = rd_kafka_CreateTopics_result_topics(result, &count);
  std::string failed;
  for (size_t i = 0; i < count; ++i) {
    const auto e = rd_kafka_topic_result_error(results[i]);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    const char* msg = rd_kafka_topic_result_error_string(results[i]);
    failed += std::string(failed.empty() ? "" : "; ") + rd_kafka_topic_result_name(results[i]) + ": " +
              (msg != nullptr ? msg : rd_kafka_err2str(e));
  }
  if (!failed.empty()) return Error::Unavailable("kafka create topics: " + failed);
  return Ok();
}

}  // namespace shop::events::kafka_detail
