// MCP over Streamable HTTP at one endpoint (POST and DELETE; GET is 405: the
// server opens no stream of its own). Both eras on the same endpoint:
//  - sessions (2025-06-18, 2025-11-25): `initialize` opens a session whose
//    random id comes back in Mcp-Session-Id; later requests must carry it
//    (400 without, 404 for an unknown one); DELETE ends it;
//  - stateless (2026-07-28): a request whose params._meta names the protocol
//    version needs no session; MCP-Protocol-Version, Mcp-Method and (for
//    tools/call) Mcp-Name must agree with the body (else 400, -32020).
// A call that asks for progress gets a text/event-stream answer: progress
// notifications, then the response. Session ids locate state; they are not
// credentials.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "onyx/server/http.h"
#include "onyx/server/mcp_server.h"

namespace onyx::server {

struct McpHttpOptions {
  std::size_t max_sessions = 1024;        ///< Past it, the least recently used session ends.
  std::chrono::minutes session_idle{60};  ///< Sessions unused this long end.
};

class McpHttpEndpoint {
 public:
  McpHttpEndpoint(McpServer& server, McpHttpOptions options = {});

  void Post(const HttpRequest& request, Responder& responder);
  void Delete(const HttpRequest& request, Responder& responder);

  std::size_t sessions() const;

 private:
  struct Session {
    std::string version;
    std::chrono::steady_clock::time_point used;
  };
  std::string OpenSession(const std::string& version);
  /// Looks the session up and marks it used; false when unknown or expired.
  bool TouchSession(const std::string& id);

  McpServer& server_;
  McpHttpOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;
  std::atomic<std::uint64_t> stateless_calls_{0};
};

}  // namespace onyx::server
