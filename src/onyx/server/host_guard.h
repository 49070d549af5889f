// DNS-rebinding protection for the HTTP server: the Host header must name
// this server, and an Origin (sent by browsers) must be one of its own. A web
// page on evil.example that resolves its name to 127.0.0.1 is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onyx/server/http.h"

namespace onyx::server {

class HostGuard {
 public:
  /// Loopback names (localhost, 127.0.0.1, [::1]) are always allowed; so is
  /// the bind address when it is a specific one; `hosts` adds names (a proxy's
  /// or the machine's), `origins` adds whole origins (https://app.example).
  HostGuard(const std::string& bind_host, std::vector<std::string> hosts,
            std::vector<std::string> origins);

  /// The port the server listens on: a browser origin must name it too (a
  /// page served by another local program is another origin). Set before
  /// serving; 0 (the default) accepts any port.
  void set_port(std::uint16_t port) { port_ = port; }

  /// Why the request must be refused (403), or nullopt when it may go on.
  std::optional<std::string> Check(const HttpRequest& request) const;

 private:
  bool AllowedHost(std::string_view host_and_port) const;
  std::vector<std::string> hosts_;    // lower case, without port
  std::vector<std::string> origins_;  // lower case, as sent
  std::uint16_t port_ = 0;
};

}  // namespace onyx::server
