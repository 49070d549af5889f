// Beast lives here and nowhere else in the server: one I/O thread runs a
// coroutine per connection; each request's handler runs on a worker and hands
// its answer back through an Exchange, which the connection writes out (a
// whole response, or server-sent events as they come).
#include "onyx/server/http_server.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <deque>
#include <list>
#include <mutex>
#include <optional>

#include "onyx/core/log.h"

namespace onyx::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr auto kTuple = net::as_tuple(net::use_awaitable);

// One request's answer, passed from the handler's worker to the connection.
class Exchange final : public Responder, public std::enable_shared_from_this<Exchange> {
 public:
  explicit Exchange(const net::any_io_executor& io)
      : wake_(io, net::steady_timer::time_point::max()) {}

  void Send(HttpResponse response) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (answered_) return;
    answered_ = true;
    whole_ = std::move(response);
    Wake();
  }
  void StartEvents(HttpHeaders headers) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (answered_) return;
    answered_ = streaming_ = true;
    stream_headers_ = std::move(headers);
    Wake();
  }
  void Event(std::string data) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!streaming_ || gone_.load()) return;
    events_.push_back(std::move(data));
    Wake();
  }
  bool Gone() const override { return gone_.load(); }

  void SetGone() { gone_.store(true); }
  void Finish() {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    Wake();
  }

  // What the connection has to write now.
  struct Batch {
    std::optional<HttpResponse> whole;
    std::optional<HttpHeaders> start_events;
    std::deque<std::string> events;
    bool finished = false;
  };
  Batch Take() {
    std::lock_guard<std::mutex> lock(mu_);
    Batch batch;
    batch.whole = std::exchange(whole_, std::nullopt);
    if (streaming_ && !stream_started_) {
      stream_started_ = true;
      batch.start_events = std::move(stream_headers_);
    }
    batch.events.swap(events_);
    batch.finished = finished_;
    return batch;
  }

  // Waits until the handler produces more (or finishes). Only call right
  // after a Take() that found nothing: a wake posted since cancels this wait
  // (one posted before it, while the connection was writing, did nothing).
  net::awaitable<void> WaitForMore() {
    co_await wake_.async_wait(kTuple);  // cancelled by Wake(): not an error
  }

 private:
  // Runs on the I/O thread, after the coroutine has either seen the change
  // (it took the lock after us) or started waiting.
  void Wake() {
    net::post(wake_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
  }

  std::mutex mu_;
  bool answered_ = false;
  bool streaming_ = false;
  bool stream_started_ = false;
  bool finished_ = false;
  std::atomic<bool> gone_{false};
  std::optional<HttpResponse> whole_;
  HttpHeaders stream_headers_;
  std::deque<std::string> events_;
  net::steady_timer wake_;
};

struct Connection {
  beast::tcp_stream stream;
  bool idle = true;  // waiting for a request (a stop closes it)
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

HttpRequest Convert(http::request<http::string_body>&& request, std::string remote) {
  HttpRequest out;
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  out.path = out.target.substr(0, out.target.find('?'));
  for (const auto& field : request) {
    out.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(request.body());
  out.remote = std::move(remote);
  return out;
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  net::thread_pool workers;
  std::optional<net::signal_set> signals;
  net::steady_timer grace{io};  // a graceful stop's deadline
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> busy{0};    // requests queued or running on a worker
  std::list<Connection*> connections;  // touched on the I/O thread only

  Impl(const HttpServerOptions& o, HttpHandler h)
      : options(o), handler(std::move(h)), workers(std::max<std::size_t>(1, o.workers)) {}

  net::awaitable<bool> Write(Connection& c, HttpResponse r, bool keep_alive, unsigned version) {
    http::response<http::string_body> response{static_cast<http::status>(r.status), version};
    response.set(http::field::server, "onyx");
    if (!r.content_type.empty()) response.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) response.insert(name, value);
    response.body() = std::move(r.body);
    response.keep_alive(keep_alive);
    response.prepare_payload();
    c.stream.expires_after(options.write_timeout);
    auto [ec, n] = co_await http::async_write(c.stream, response, kTuple);
    co_return !ec;
  }

  // Writes the exchange's answer as the handler produces it. False when the
  // connection cannot carry another request.
  net::awaitable<bool> Pump(Connection& c, Exchange& exchange, bool keep_alive, unsigned version) {
    bool streaming = false;
    for (;;) {
      Exchange::Batch batch = exchange.Take();
      if (batch.whole) {
        co_return co_await Write(c, std::move(*batch.whole), keep_alive, version) && keep_alive;
      }
      if (batch.start_events) {
        http::response<http::empty_body> head{http::status::ok, version};
        head.set(http::field::server, "onyx");
        head.set(http::field::content_type, "text/event-stream");
        head.set(http::field::cache_control, "no-cache");
        for (const auto& [name, value] : *batch.start_events) head.insert(name, value);
        head.keep_alive(keep_alive);
        head.chunked(true);
        http::response_serializer<http::empty_body> serializer{head};
        c.stream.expires_after(options.write_timeout);
        auto [ec, n] = co_await http::async_write_header(c.stream, serializer, kTuple);
        if (ec) break;
        streaming = true;
      }
      bool failed = false;
      for (const std::string& data : batch.events) {
        const std::string event = "event: message\ndata: " + data + "\n\n";
        c.stream.expires_after(options.write_timeout);
        auto [ec, n] =
            co_await net::async_write(c.stream, http::make_chunk(net::buffer(event)), kTuple);
        if (ec) {
          failed = true;
          break;
        }
      }
      if (failed) break;
      if (batch.finished) {
        if (!streaming) {
          core::Log(core::LogLevel::kError, "http: a handler returned without an answer");
          co_return co_await Write(c, Problem(500, "Internal Server Error", "no answer"), false,
                                   version) &&
              false;
        }
        c.stream.expires_after(options.write_timeout);
        auto [ec, n] = co_await net::async_write(c.stream, http::make_chunk_last(), kTuple);
        co_return !ec && keep_alive;
      }
      // Wait only after finding nothing: a wake posted while this batch was
      // being written found no wait to cancel, so look again first.
      if (!batch.start_events && batch.events.empty()) co_await exchange.WaitForMore();
    }
    exchange.SetGone();
    co_return false;
  }

  net::awaitable<void> Serve(tcp::socket socket) {
    std::string remote;
    {
      beast::error_code ec;
      const auto endpoint = socket.remote_endpoint(ec);
      if (!ec) remote = endpoint.address().to_string();
    }
    Connection c{beast::tcp_stream(std::move(socket))};
    connections.push_back(&c);
    // Unregistered however the coroutine ends (BeginStop walks the list).
    struct Unregister {
      Impl* impl;
      std::list<Connection*>::iterator at;
      ~Unregister() {
        impl->connections.erase(at);
        impl->MaybeDone();
      }
    } unregister{this, std::prev(connections.end())};
    beast::flat_buffer buffer;
    bool open = true;
    while (open && !stopping.load()) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      c.idle = true;
      c.stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await http::async_read(c.stream, buffer, parser, kTuple);
      c.idle = false;
      if (ec) {
        // Tell the client what was wrong with its bytes; then close.
        if (ec == http::error::body_limit) {
          co_await Write(c,
                         Problem(413, "Content Too Large",
                                 "the body is larger than " +
                                     std::to_string(options.max_body_bytes) + " bytes"),
                         false, 11);
        } else if (ec == http::error::header_limit) {
          co_await Write(c, Problem(431, "Request Header Fields Too Large", "headers too large"),
                         false, 11);
        } else if (ec.category() == beast::error_code(http::error::bad_target).category() &&
                   ec != http::error::end_of_stream && ec != http::error::partial_message) {
          co_await Write(c, Problem(400, "Bad Request", "malformed HTTP: " + ec.message()), false,
                         11);
        }
        break;
      }
      http::request<http::string_body> message = parser.release();
      const unsigned version = message.version();
      const bool keep_alive = message.keep_alive();
      const auto started = std::chrono::steady_clock::now();
      HttpRequest request = Convert(std::move(message), remote);
      const std::string method = request.method;
      const std::string path = request.path.substr(0, 200);
      if (busy.load() >= options.workers + options.max_queued) {
        HttpResponse full = Problem(503, "Service Unavailable", "too many requests in flight");
        full.headers.emplace_back("Retry-After", "1");
        open = co_await Write(c, std::move(full), keep_alive, version) && keep_alive;
        continue;
      }
      auto exchange = std::make_shared<Exchange>(c.stream.get_executor());
      ++busy;
      net::post(workers, [this, exchange, request = std::move(request)] {
        try {
          handler(request, *exchange);
        } catch (const std::exception& e) {
          core::Log(core::LogLevel::kError, std::string("http: handler failed: ") + e.what());
          exchange->Send(Problem(500, "Internal Server Error", "the handler failed"));
        }
        exchange->Finish();
        --busy;
      });
      open = co_await Pump(c, *exchange, keep_alive && !stopping.load(), version);
      if (core::LogEnabled(core::LogLevel::kInfo)) {
        const auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count();
        core::Log(core::LogLevel::kInfo,
                  "http: " + remote + " " + method + " " + path + " " + std::to_string(ms) + " ms");
      }
    }
    beast::error_code ignored;
    c.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  net::awaitable<void> Accept() {
    net::steady_timer backoff(io);
    while (!stopping.load()) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) {
        if (stopping.load() || ec == net::error::operation_aborted) break;
        // Out of file descriptors, say: wait a little rather than spin.
        core::Log(core::LogLevel::kWarn, "http: accept failed: " + ec.message());
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(kTuple);
        continue;
      }
      if (connections.size() >= options.max_connections) {
        core::Log(core::LogLevel::kWarn, "http: connection limit reached; closing a new one");
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      net::co_spawn(io, Serve(std::move(socket)), [](const std::exception_ptr& error) {
        if (!error) return;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          core::Log(core::LogLevel::kError, std::string("http: connection failed: ") + e.what());
        }
      });
    }
  }

  // On the I/O thread: stop listening, close idle connections; busy ones
  // finish their request and close, within the grace period.
  void BeginStop() {
    beast::error_code ignored;
    acceptor.close(ignored);
    for (Connection* c : connections) {
      if (c->idle) c->stream.cancel();
    }
    grace.expires_after(options.stop_grace);
    grace.async_wait([this](const beast::error_code& ec) {
      if (ec) return;  // everything finished first
      core::Log(core::LogLevel::kWarn,
                "serve: requests still running after the grace period; dropping them");
      DropEverything();
    });
    MaybeDone();
  }

  // Once a stop has begun and the last connection has closed, nothing more
  // is waited for: io.run() returns.
  void MaybeDone() {
    if (!stopping.load() || !connections.empty()) return;
    beast::error_code ignored;
    grace.cancel();
    if (signals) signals->cancel(ignored);
  }

  // A stop that does not wait: connections are abandoned (their handlers
  // finish on the workers, unheard).
  void DropEverything() {
    beast::error_code ignored;
    if (signals) signals->cancel(ignored);
    io.stop();
  }

  void WaitForSignal() {
    signals->async_wait([this](const beast::error_code& ec, int signal) {
      if (ec) return;
      const char* name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
      if (!stopping.exchange(true)) {
        core::Log(core::LogLevel::kWarn, std::string("serve: ") + name +
                                             ": finishing in-flight requests, then stopping "
                                             "(again to stop at once)");
        BeginStop();
        WaitForSignal();
      } else {
        core::Log(core::LogLevel::kWarn, std::string("serve: ") + name + " again: stopping now");
        DropEverything();
      }
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_) {
    Stop();
    impl_->workers.join();
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const HttpServerOptions& options,
                                                     HttpHandler handler) {
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) {
    return Status::InvalidArgument("serve: '" + options.host +
                                   "' is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)");
  }
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("serve: cannot listen on " + options.host + ":" +
                           std::to_string(options.port) + ": " + ec.message());
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpServer::Run(bool handle_signals) {
  Impl& impl = *impl_;
  if (handle_signals) {
    impl.signals.emplace(impl.io, SIGTERM, SIGINT);
    impl.WaitForSignal();
  }
  net::co_spawn(impl.io, impl.Accept(), [](const std::exception_ptr&) {});
  impl.io.run();
  impl.workers.join();
}

void HttpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->io, [impl = impl_.get()] { impl->BeginStop(); });
}

bool HttpServer::stopping() const { return impl_->stopping.load(); }

}  // namespace onyx::server
