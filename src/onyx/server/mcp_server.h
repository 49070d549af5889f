// The Model Context Protocol for agents: JSON-RPC 2.0 messages in, responses
// out, with Onyx's questions as tools (docs/mcp.md). Transport-free: the stdio
// loop (`onyx mcp`) and Streamable HTTP (mcp_http.h) hand it messages.
//
// Ingested text (code, docs, commit messages) appears only inside result
// fields; tool names, descriptions and the server's instructions are fixed.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "onyx/engine.h"

namespace onyx::server {

struct McpOptions {
  std::string project = "default";
  std::string tree = ".";                    ///< The working tree, for index_status.
  std::size_t max_message_bytes = 4u << 20;  ///< Larger requests are refused.
  int max_json_depth = 64;                   ///< Deeper requests are refused.
  std::size_t max_result_bytes = 4u << 20;   ///< Larger results are a tool error.
  std::size_t tools_page_size = 50;          ///< tools/list pages (nextCursor past it).
};

/// Who is asking, for one message: where its notifications go and which
/// session it belongs to (cancellation names a request id of the same session).
struct McpCall {
  /// Progress notifications of a long call (when its caller asked for them);
  /// must be thread-safe. Null: none are sent.
  std::function<void(const std::string&)> notify;
  std::string session;  ///< Empty for stdio and stateless requests.
};

/// The answer to one message.
struct McpReply {
  std::optional<std::string> response;  ///< Nothing for notifications and cancelled calls.
  int error_code = 0;                   ///< The JSON-RPC error code, 0 for a result.
  std::string protocol_version;         ///< What `initialize` negotiated, if it was one.
};

/// Protocol versions: the session era and the stateless one.
inline constexpr const char* kMcpStatelessVersion = "2026-07-28";
bool IsSessionEraVersion(std::string_view version);

// JSON-RPC and MCP error codes a transport maps to HTTP statuses.
inline constexpr int kJsonRpcParseError = -32700;
inline constexpr int kJsonRpcInvalidRequest = -32600;
inline constexpr int kJsonRpcMethodNotFound = -32601;
inline constexpr int kJsonRpcInvalidParams = -32602;
inline constexpr int kMcpHeaderMismatch = -32020;
inline constexpr int kMcpUnsupportedVersion = -32022;

class McpServer {
 public:
  McpServer(Engine& engine, McpOptions options);
  ~McpServer();

  /// Handles one message (text, checked against the size and depth limits).
  /// Never throws; malformed input gets a JSON-RPC error. Thread-safe: calls
  /// from different threads run at once (writes to the graph take turns).
  McpReply Handle(std::string_view message, const McpCall& call = {});
  /// The same, for a message a transport has parsed already.
  McpReply HandleParsed(const nlohmann::json& message, const McpCall& call);

  const McpOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Serves newline-delimited JSON-RPC on `in`/`out` until `in` ends (then
/// finishes the calls it has read). Tool calls run on `workers` threads, so
/// that a cancellation can reach a running call; responses may come out of
/// order, each with its request's id.
void ServeStdio(McpServer& server, std::istream& in, std::ostream& out, std::size_t workers = 4);

}  // namespace onyx::server
