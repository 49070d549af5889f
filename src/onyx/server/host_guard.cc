#include "onyx/server/host_guard.h"

#include <algorithm>
#include <cctype>

namespace onyx::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "name:port" or "[v6]:port" → the name (brackets kept, as the allow list has them).
std::string_view WithoutPort(std::string_view host) {
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(0, close + 1);
  }
  const auto colon = host.find(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

// The port an origin names ("host:port"), or its scheme's default.
std::uint32_t OriginPort(const std::string& scheme, std::string_view host_and_port) {
  const std::size_t close = host_and_port.find(']');
  const std::size_t colon = host_and_port.find(':', close == std::string_view::npos ? 0 : close);
  if (colon == std::string_view::npos) return scheme == "https" ? 443 : 80;
  std::uint32_t port = 0;
  for (const char c : host_and_port.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return 0;
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return port;
}

}  // namespace

HostGuard::HostGuard(const std::string& bind_host, std::vector<std::string> hosts,
                     std::vector<std::string> origins) {
  hosts_ = {"localhost", "127.0.0.1", "[::1]"};
  if (bind_host != "0.0.0.0" && bind_host != "::" && !bind_host.empty()) {
    hosts_.push_back(bind_host.find(':') != std::string::npos ? "[" + Lower(bind_host) + "]"
                                                              : Lower(bind_host));
  }
  for (const std::string& h : hosts) hosts_.push_back(Lower(WithoutPort(h)));
  for (const std::string& o : origins) origins_.push_back(Lower(o));
}

bool HostGuard::AllowedHost(std::string_view host_and_port) const {
  const std::string host = Lower(WithoutPort(host_and_port));
  return std::find(hosts_.begin(), hosts_.end(), host) != hosts_.end();
}

std::optional<std::string> HostGuard::Check(const HttpRequest& request) const {
  const std::string_view host = request.Header("host");
  if (host.empty()) return "a Host header is required";
  if (!AllowedHost(host)) {
    return "Host '" + std::string(host.substr(0, 100)) +
           "' is not this server (start it with --allow-host to add a name)";
  }
  if (!request.HasHeader("origin")) return std::nullopt;  // not a browser
  const std::string origin = Lower(request.Header("origin"));
  if (std::find(origins_.begin(), origins_.end(), origin) != origins_.end()) return std::nullopt;
  const auto scheme_end = origin.find("://");
  if (scheme_end != std::string::npos) {
    const std::string scheme = origin.substr(0, scheme_end);
    const std::string_view rest = std::string_view(origin).substr(scheme_end + 3);
    if ((scheme == "http" || scheme == "https") && rest.find('/') == std::string_view::npos &&
        AllowedHost(rest) && (port_ == 0 || OriginPort(scheme, rest) == port_)) {
      return std::nullopt;
    }
  }
  return "Origin '" + origin.substr(0, 100) +
         "' may not call this server (start it with --allow-origin to add one)";
}

}  // namespace onyx::server
