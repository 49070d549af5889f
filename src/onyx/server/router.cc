// Routing, header lookup and problem responses.
#include <nlohmann/json.hpp>

#include "onyx/server/http.h"

namespace onyx::server {

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

bool HttpRequest::HasHeader(std::string_view name) const {
  for (const auto& header : headers) {
    if (header.first == name) return true;
  }
  return false;
}

HttpResponse Problem(int status, std::string_view title, std::string_view detail) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = nlohmann::json{
      {"type", "about:blank"},
      {"title", title},
      {"status", status},
      {"detail",
       detail}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

void Router::Add(std::string method, std::string path, HttpHandler handler) {
  routes_.push_back({std::move(method), std::move(path), std::move(handler)});
}

void Router::Handle(const HttpRequest& request, Responder& responder) const {
  std::string allowed;
  for (const Route& route : routes_) {
    if (route.path != request.path) continue;
    if (route.method == request.method) {
      route.handler(request, responder);
      return;
    }
    allowed += allowed.empty() ? route.method : ", " + route.method;
  }
  if (allowed.empty()) {
    responder.Send(Problem(404, "Not Found", "no resource at " + request.path.substr(0, 200)));
    return;
  }
  HttpResponse response =
      Problem(405, "Method Not Allowed", request.method.substr(0, 16) + " is not served here");
  response.headers.emplace_back("Allow", allowed);
  responder.Send(std::move(response));
}

}  // namespace onyx::server
