// Blocking POSIX sockets for tests that speak raw bytes to a server (bad
// frames, byte-by-byte writes) or play a server to an RpcClient.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "src/base/byte_coding.h"
#include "src/remoting/command_codec.h"

namespace tern::remoting::testing {

class RawSocket {
 public:
  explicit RawSocket(int fd = -1) : fd_(fd) {}
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(RawSocket&& o) noexcept : fd_(o.fd_), buf_(std::move(o.buf_)) { o.fd_ = -1; }
  RawSocket(const RawSocket&) = delete;

  bool Connect(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }

  bool Send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  bool SendCommand(const RemotingCommand& cmd) {
    auto f = EncodeFrame(cmd);
    return f.ok() && Send(*f);
  }

  // The next whole frame (length word included), or nullopt on timeout/EOF.
  std::optional<std::string> ReadFrame(int timeout_ms = 3000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      if (buf_.size() >= 4) {
        size_t need = 4 + GetBE32(buf_.data());
        if (buf_.size() >= need) {
          std::string frame = buf_.substr(0, need);
          buf_.erase(0, need);
          return frame;
        }
      }
      if (!Fill(deadline)) return std::nullopt;
    }
  }

  std::optional<RemotingCommand> ReadCommand(int timeout_ms = 3000) {
    auto f = ReadFrame(timeout_ms);
    if (!f) return std::nullopt;
    auto cmd = DecodeFrame(*f);
    if (!cmd.ok()) return std::nullopt;
    return std::move(cmd).value();
  }

  // True when the peer closes the connection within the timeout (bytes that
  // arrive meanwhile are discarded).
  bool WaitClosed(int timeout_ms = 3000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      int r = Poll(deadline);
      if (r <= 0) return false;
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0) return true;
    }
  }

  int fd() const { return fd_; }

 private:
  int Poll(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 0;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left.count()));
  }
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    if (Poll(deadline) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  std::string buf_;
};

// A listening socket on 127.0.0.1, port 0.
class RawListener {
 public:
  RawListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~RawListener() { ::close(fd_); }
  uint16_t port() const { return port_; }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
  std::optional<RawSocket> Accept(int timeout_ms = 3000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    int fd = ::accept(fd_, nullptr, nullptr);
    if (fd < 0) return std::nullopt;
    return RawSocket(fd);
  }

 private:
  int fd_;
  uint16_t port_ = 0;
};

}  // namespace tern::remoting::testing
