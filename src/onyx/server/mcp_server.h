// The Model Context Protocol for agents: JSON-RPC 2.0 messages in, responses
// out, with Onyx's questions as tools (docs/mcp.md). Transport-free: the stdio
// loop (`onyx mcp`) and, later, Streamable HTTP hand it one message at a time.
//
// Ingested text (code, docs, commit messages) appears only inside result
// fields; tool names, descriptions and the server's instructions are fixed.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
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
};

class McpServer {
 public:
  McpServer(Engine& engine, McpOptions options);
  ~McpServer();

  /// Handles one message; the response to write, or nullopt for a
  /// notification. Never throws; malformed input gets a JSON-RPC error.
  std::optional<std::string> Handle(std::string_view message);

  /// Where notifications (progress of a long call) go while a call runs; must
  /// be thread-safe (progress comes from parser threads).
  void SetNotifier(std::function<void(const std::string&)> notify);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Serves newline-delimited JSON-RPC on `in`/`out` until `in` ends.
void ServeStdio(McpServer& server, std::istream& in, std::ostream& out);

}  // namespace onyx::server
