// The HTTP server under `onyx serve`: Boost.Beast on one I/O thread, handlers
// on a pool of workers (they call the engine, which blocks). Limits on
// connections, header and body size, queued requests and idle time; graceful
// stop (SIGTERM/SIGINT or Stop()): no new connections, in-flight requests
// finish, idle keep-alive connections close.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "onyx/server/http.h"
#include "onyx/status.h"

namespace onyx::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  ///< Loopback unless asked otherwise.
  std::uint16_t port = 7300;       ///< 0: any free port (see HttpServer::port()).
  std::size_t max_header_bytes = 16u << 10;
  std::size_t max_body_bytes = 4u << 20;
  std::size_t max_connections = 512;
  std::size_t workers = 8;                         ///< Threads running handlers.
  std::size_t max_queued = 256;                    ///< Requests waiting for a worker; more get 503.
  std::chrono::milliseconds idle_timeout{60'000};  ///< To read a request.
  std::chrono::milliseconds write_timeout{30'000};
  /// How long a graceful stop waits for in-flight requests before it drops
  /// them (a second SIGTERM/SIGINT drops them at once).
  std::chrono::milliseconds stop_grace{30'000};
};

class HttpServer {
 public:
  /// Binds and listens; the error says why it could not (address in use …).
  static Result<std::unique_ptr<HttpServer>> Bind(const HttpServerOptions& options,
                                                  HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port listened on (the chosen one when the options said 0).
  std::uint16_t port() const;

  /// Serves until Stop(), or SIGTERM/SIGINT when `handle_signals`; returns once
  /// every in-flight request has been answered.
  void Run(bool handle_signals);

  /// Begins a graceful stop. Thread-safe; a second call does nothing more.
  void Stop();

  /// True once a stop has begun (readiness turns false).
  bool stopping() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace onyx::server
