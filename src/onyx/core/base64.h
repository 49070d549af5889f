// Base64 (RFC 4648, standard alphabet, padded): the JSONL export's non-UTF-8
// text and MCP's =?base64?…?= header values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace onyx::core {

std::string Base64(std::string_view in);
/// The decoded bytes; nullopt for anything but canonical padded base64.
std::optional<std::string> FromBase64(std::string_view in);

}  // namespace onyx::core
