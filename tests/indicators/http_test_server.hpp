// A tiny HTTP/1.1 server on 127.0.0.1 for the tests of `iocs update` and short-URL expansion: the tests
// never touch the real network. One connection at a time, Connection: close, GET and HEAD.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace lumiere::test {

class TestHttpServer {
 public:
  struct Response {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  // Files under `root` (if not empty) are served at their relative path; routes take precedence.
  explicit TestHttpServer(std::filesystem::path root = {});
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;
  TestHttpServer(TestHttpServer&&) = delete;
  TestHttpServer& operator=(TestHttpServer&&) = delete;

  void route(const std::string& path, Response response);
  [[nodiscard]] std::string url(const std::string& path) const;
  [[nodiscard]] int port() const { return port_; }
  // "METHOD /path" of every request received, in order.
  [[nodiscard]] std::vector<std::string> requests() const;

 private:
  void serve(const std::stop_token& stop);
  void handle(int client);

  std::filesystem::path root_;
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, Response> routes_;
  std::vector<std::string> requests_;
  std::jthread thread_;
};

}  // namespace lumiere::test
