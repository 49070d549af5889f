// Streamable HTTP for MCP: the status codes and headers of each era around
// McpServer, which answers the JSON-RPC itself.
#include "onyx/server/mcp_http.h"

#include <sys/random.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>

#include "onyx/core/base64.h"
#include "onyx/core/json_depth.h"

namespace onyx::server {
namespace {

using nlohmann::json;

constexpr int kSessionNotFound = -32001;  // as the TypeScript SDK's server says it
constexpr const char* kMetaVersion = "io.modelcontextprotocol/protocolVersion";

// An HTTP error carrying a JSON-RPC error (for the request `id`, when known).
HttpResponse JsonRpcError(int status, int code, std::string_view message,
                          const json& id = nullptr) {
  HttpResponse response;
  response.status = status;
  response.body =
      json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}}.dump(
          -1, ' ', false, json::error_handler_t::replace);
  return response;
}

HttpResponse Accepted() {
  HttpResponse response;
  response.status = 202;
  response.content_type.clear();
  return response;
}

// Whether an Accept header admits `type` ("application/json"); no header
// admits everything.
bool Accepts(std::string_view accept, std::string_view type) {
  if (accept.empty()) return true;
  const std::string_view major = type.substr(0, type.find('/'));
  std::size_t at = 0;
  while (at <= accept.size()) {
    std::size_t end = accept.find(',', at);
    if (end == std::string_view::npos) end = accept.size();
    std::string_view item = accept.substr(at, end - at);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == type || item == "*/*" ||
        (item.size() == major.size() + 2 && item.starts_with(major) && item.ends_with("/*"))) {
      return true;
    }
    at = end + 1;
  }
  return false;
}

// A header value as MCP 2026-07-28 sends it: plain, or =?base64?…?= when the
// text is not plain ASCII.
std::optional<std::string> HeaderText(std::string_view value) {
  if (value.starts_with("=?base64?") && value.ends_with("?=") && value.size() >= 11) {
    return core::FromBase64(value.substr(9, value.size() - 11));
  }
  return std::string(value);
}

std::string NewSessionId() {
  unsigned char bytes[16];  // 128 bits from the kernel's CSPRNG
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (const unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

// The HTTP status of a stateless request's JSON-RPC answer (2026-07-28).
int StatelessStatus(int error_code) {
  if (error_code == kJsonRpcMethodNotFound) return 404;
  if (error_code == kJsonRpcInvalidParams || error_code == kJsonRpcInvalidRequest ||
      error_code == kJsonRpcParseError || error_code == kMcpUnsupportedVersion ||
      error_code == kMcpHeaderMismatch || error_code == -32021) {
    return 400;
  }
  return 200;
}

}  // namespace

McpHttpEndpoint::McpHttpEndpoint(McpServer& server, McpHttpOptions options)
    : server_(server), options_(options) {}

std::size_t McpHttpEndpoint::sessions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

std::string McpHttpEndpoint::OpenSession(const std::string& version) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(sessions_,
                [&](const auto& s) { return now - s.second.used > options_.session_idle; });
  if (sessions_.size() >= options_.max_sessions) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    sessions_.erase(oldest);
  }
  std::string id = NewSessionId();
  sessions_[id] = Session{version, now};
  return id;
}

bool McpHttpEndpoint::TouchSession(const std::string& id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  if (now - it->second.used > options_.session_idle) {
    sessions_.erase(it);
    return false;
  }
  it->second.used = now;
  return true;
}

void McpHttpEndpoint::Post(const HttpRequest& request, Responder& responder) {
  const std::string_view type = request.Header("content-type");
  if (!type.starts_with("application/json")) {
    responder.Send(
        Problem(415, "Unsupported Media Type", "POST a JSON-RPC message as application/json"));
    return;
  }
  const std::string_view accept = request.Header("accept");
  if (!Accepts(accept, "application/json") || !Accepts(accept, "text/event-stream")) {
    responder.Send(Problem(406, "Not Acceptable",
                           "Accept must admit both application/json and text/event-stream"));
    return;
  }
  const McpOptions& limits = server_.options();
  if (core::JsonDepth(request.body) > limits.max_json_depth) {
    responder.Send(
        JsonRpcError(400, kJsonRpcInvalidRequest,
                     "message nests deeper than " + std::to_string(limits.max_json_depth)));
    return;
  }
  const json message = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) {
    responder.Send(JsonRpcError(400, kJsonRpcParseError, "Parse error"));
    return;
  }
  if (!message.is_object()) {
    responder.Send(
        JsonRpcError(400, kJsonRpcInvalidRequest,
                     "POST one JSON-RPC message (an object); batches are not supported"));
    return;
  }
  const bool has_method = message.contains("method") && message["method"].is_string();
  const std::string method = has_method ? message["method"].get<std::string>() : std::string();
  const bool is_request = has_method && message.contains("id");
  const json id = is_request && (message["id"].is_string() || message["id"].is_number_integer())
                      ? message["id"]
                      : json(nullptr);
  const json empty = json::object();
  const json& params = message.contains("params") ? message["params"] : empty;
  const bool stateless = params.is_object() && params.contains("_meta") &&
                         params["_meta"].is_object() && params["_meta"].contains(kMetaVersion);

  McpCall call;
  std::string new_session;
  if (stateless) {
    // The headers must say what the body says (2026-07-28, Streamable HTTP).
    const json& version = params["_meta"][kMetaVersion];
    const std::string_view header_version = request.Header("mcp-protocol-version");
    std::string mismatch;
    if (!version.is_string() || header_version != version.get<std::string>()) {
      mismatch = "MCP-Protocol-Version must equal params._meta's protocol version";
    } else if (is_request && request.Header("mcp-method") != method) {
      mismatch = "Mcp-Method must equal the body's method";
    } else if (is_request && method == "tools/call") {
      const auto name = HeaderText(request.Header("mcp-name"));
      if (!name || !params.contains("name") || !params["name"].is_string() ||
          *name != params["name"].get<std::string>()) {
        mismatch = "Mcp-Name must equal params.name";
      }
    }
    if (!mismatch.empty()) {
      responder.Send(JsonRpcError(400, kMcpHeaderMismatch, mismatch, id));
      return;
    }
    // No session: each request is its own scope (two clients may both use id 1).
    call.session = "stateless:" + std::to_string(stateless_calls_.fetch_add(1));
  } else if (method == "initialize" && is_request) {
    // A new session; its id is issued once initialize succeeds.
  } else {
    const std::string session(request.Header("mcp-session-id"));
    if (session.empty()) {
      responder.Send(JsonRpcError(400, kJsonRpcInvalidRequest,
                                  "Bad Request: an Mcp-Session-Id header is required (initialize "
                                  "first, or send a 2026-07-28 request with _meta)",
                                  id));
      return;
    }
    if (!TouchSession(session)) {
      responder.Send(JsonRpcError(404, kSessionNotFound, "Session not found", id));
      return;
    }
    const std::string_view version = request.Header("mcp-protocol-version");
    if (!version.empty() && !IsSessionEraVersion(version)) {
      responder.Send(JsonRpcError(400, kJsonRpcInvalidRequest,
                                  "Bad Request: unsupported MCP-Protocol-Version '" +
                                      std::string(version.substr(0, 32)) + "'",
                                  id));
      return;
    }
    call.session = session;
  }

  if (!is_request) {  // notifications and responses: handled, then 202
    const McpReply reply = server_.HandleParsed(message, call);
    if (reply.error_code != 0 && reply.response) {
      responder.Send(JsonRpcError(400, reply.error_code, "not a valid JSON-RPC message"));
      return;
    }
    responder.Send(Accepted());
    return;
  }

  // A call that reports progress streams it, then its response; the stream
  // starts with the first notification, so that a call refused before any
  // progress still gets its own status.
  std::once_flag streaming;
  std::atomic<bool> streamed{false};  // set on a notifying thread
  call.notify = [&](const std::string& note) {
    std::call_once(streaming, [&] {
      responder.StartEvents({});
      streamed = true;
    });
    responder.Event(note);
  };
  McpReply reply = server_.HandleParsed(message, call);
  if (streamed.load()) {  // (every notification came before the call returned)
    if (reply.response) responder.Event(std::move(*reply.response));
    return;
  }
  if (!reply.response) {  // cancelled: the client no longer waits for it
    responder.Send(Accepted());
    return;
  }
  HttpResponse response;
  response.status = stateless ? StatelessStatus(reply.error_code) : 200;
  response.body = std::move(*reply.response);
  if (method == "initialize" && !reply.protocol_version.empty() && !stateless) {
    new_session = OpenSession(reply.protocol_version);
    response.headers.emplace_back("Mcp-Session-Id", new_session);
  }
  responder.Send(std::move(response));
}

void McpHttpEndpoint::Delete(const HttpRequest& request, Responder& responder) {
  const std::string session(request.Header("mcp-session-id"));
  if (session.empty()) {
    responder.Send(JsonRpcError(400, kJsonRpcInvalidRequest,
                                "Bad Request: DELETE needs the Mcp-Session-Id to end"));
    return;
  }
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    found = sessions_.erase(session) != 0;
  }
  if (!found) {
    responder.Send(JsonRpcError(404, kSessionNotFound, "Session not found"));
    return;
  }
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  responder.Send(std::move(response));
}

}  // namespace onyx::server
