// HTTP requests and responses as the server's handlers see them: plain
// structs, no Beast (only http_server.cc includes it). A handler answers
// through a Responder, with one whole response or a stream of server-sent
// events (MCP's Streamable HTTP sends progress that way).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onyx::server {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;   ///< "GET", "POST", …
  std::string target;   ///< As sent: path and query.
  std::string path;     ///< The target without its query.
  HttpHeaders headers;  ///< Names in lower case, in the order sent.
  std::string body;
  std::string remote;  ///< The peer's address.

  /// The first header named `name` (lower case); empty when absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  HttpHeaders headers;  ///< Extra headers (Content-Type and Content-Length are set for you).
  std::string body;
};

/// An RFC 9457 problem: `application/problem+json` with title and detail.
HttpResponse Problem(int status, std::string_view title, std::string_view detail);

/// How a handler answers one request. Either Send() once, or StartEvents()
/// then Event() any number of times; the stream ends when the handler returns.
/// Called from the handler's thread; the server writes from its own.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void Send(HttpResponse response) = 0;
  /// Starts a `text/event-stream` response with these extra headers.
  virtual void StartEvents(HttpHeaders headers) = 0;
  /// One event: `event: message` with `data` (one line, e.g. compact JSON).
  virtual void Event(std::string data) = 0;
  /// True once the answer cannot reach the client (it left, or the server is
  /// stopping): long work may stop early.
  virtual bool Gone() const = 0;
};

using HttpHandler = std::function<void(const HttpRequest&, Responder&)>;

/// Exact-path routes; 404 for an unknown path, 405 (with Allow) for a known
/// path and another method.
class Router {
 public:
  void Add(std::string method, std::string path, HttpHandler handler);
  void Handle(const HttpRequest& request, Responder& responder) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    HttpHandler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace onyx::server
