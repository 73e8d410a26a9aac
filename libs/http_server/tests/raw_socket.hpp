// Test-only blocking TCP helpers (POSIX sockets, no Asio/Beast): a raw HTTP/1.1 client that sends
// exact bytes and reads responses one by one, and a raw listener for fake upstreams. Shared by
// http_server_tests and http_client_tests. Every read has a timeout so a test cannot hang.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::http::test {

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct RawResponse {
  int status = 0;
  std::string head;  // status line and header fields, as received
  std::string body;

  // Value of the first header field `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const {
    const std::string lower_head = Lower(head);
    const std::string key = "\r\n" + Lower(name) + ":";
    const auto at = lower_head.find(key);
    if (at == std::string::npos) return std::nullopt;
    auto start = at + key.size();
    const auto end = head.find("\r\n", start);
    while (start < end && head[start] == ' ') ++start;
    return head.substr(start, end - start);
  }
};

class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response: head, then Content-Length body bytes (none when `head_request`).
  // nullopt on EOF, error or timeout before a whole response arrived.
  std::optional<RawResponse> ReadResponse(bool head_request = false,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill(deadline)) return std::nullopt;
    RawResponse r;
    r.head = pending_.substr(0, end + 2);
    pending_.erase(0, end + 4);
    if (r.head.size() < 12) return std::nullopt;
    r.status = std::stoi(r.head.substr(9, 3));
    std::size_t length = 0;
    if (auto cl = r.Header("Content-Length"); cl && !head_request) length = std::stoul(*cl);
    while (pending_.size() < length)
      if (!Fill(deadline)) return std::nullopt;
    r.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return r;
  }

  // Reads exactly `n` bytes (or nullopt).
  std::optional<std::string> ReadExactly(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pending_.size() < n)
      if (!Fill(deadline)) return std::nullopt;
    std::string out = pending_.substr(0, n);
    pending_.erase(0, n);
    return out;
  }

  // True when the peer closes (EOF or reset) within `timeout` with no further bytes pending.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Fill(deadline)) {
    }
    return eof_ && pending_.empty();
  }

  const std::string& pending() const { return pending_; }

 private:
  // Appends what arrives before `deadline`. False on EOF, error or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    if (eof_) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[16 * 1024];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string pending_;
  bool eof_ = false;
};

// A listening socket on 127.0.0.1 that the test drives by hand (fake upstreams).
class RawListener {
 public:
  RawListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("listen");
    port_ = ntohs(addr.sin_port);
  }
  ~RawListener() { Close(); }
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  std::uint16_t port() const { return port_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Accepts one connection within `timeout`; returns its fd (caller closes) or -1.
  int Accept(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
    return ::accept(fd_, nullptr, nullptr);
  }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

// A port on 127.0.0.1 with nothing listening (bound, then released).
inline std::uint16_t ClosedPort() {
  RawListener l;
  return l.port();
}

}  // namespace shop::http::test
