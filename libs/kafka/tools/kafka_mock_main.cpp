// shop-kafka-mock: hosts librdkafka's mock cluster as a Kafka-protocol broker for other processes'
// tests and for the distributed shape on one machine (make run-distributed).
//
//   shop-kafka-mock <bootstrap-file> [--brokers N] [--partitions P] [--topic NAME]...
//
// Creates the five aggregate topics and their .dlq topics (plus any --topic), writes the bootstrap
// servers string to <bootstrap-file> (atomically: temp file + rename, so a reader polling for the
// file never sees half of it), prints it on stdout, and runs until SIGTERM or SIGINT.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "shop/events/kafka.hpp"
#include "shop/events/kafka_mock.hpp"

namespace {

int Usage() {
  std::cerr << "usage: shop-kafka-mock <bootstrap-file> [--brokers N] [--partitions P] [--topic NAME]...\n";
  return 2;
}

bool WriteAtomically(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text << '\n';
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  std::string file;
  int brokers = 1;
  int partitions = 4;
  std::vector<std::string> topics = shop::events::DefaultTopics();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--brokers" || arg == "--partitions" || arg == "--topic") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--brokers") brokers = std::atoi(value.c_str());
      if (arg == "--partitions") partitions = std::atoi(value.c_str());
      if (arg == "--topic") topics.push_back(value);
    } else if (arg.starts_with("--") || !file.empty()) {
      return Usage();
    } else {
      file = arg;
    }
  }
  if (file.empty() || brokers < 1 || partitions < 1) return Usage();

  // Block the stop signals before librdkafka starts its threads, so only sigwait() sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    shop::events::MockKafkaCluster cluster(brokers);
    for (const auto& t : topics) {
      for (const auto& name : {t, t + ".dlq"}) {
        if (auto r = cluster.CreateTopic(name, partitions, 1); !r) {
          std::cerr << r.error().detail << '\n';
          return 1;
        }
      }
    }
    if (!WriteAtomically(file, cluster.bootstrap_servers())) {
      std::cerr << "shop-kafka-mock: cannot write " << file << '\n';
      return 1;
    }
    std::cout << cluster.bootstrap_servers() << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::filesystem::remove(file);
  } catch (const std::exception& e) {
    std::cerr << "shop-kafka-mock: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
