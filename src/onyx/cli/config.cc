// onyx.toml and ONYX_* variables (toml++ stays in this file).
#define TOML_EXCEPTIONS 0
#include "onyx/cli/config.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace onyx::cli {
namespace {

namespace fs = std::filesystem;

// One configurable key: how to read it from TOML and from an environment
// variable's text, into a Config.
struct Key {
  std::string name;  // "ingest.max_file_bytes"
  std::function<Status(const toml::node&, Config&)> from_toml;
  std::function<Status(const std::string&, Config&)> from_text;
};

Status Bad(const std::string& key, const std::string& problem) {
  return Status::InvalidArgument(key + ": " + problem);
}

// Integer keys with a range, stored through `set`.
Key IntegerKey(std::string name, std::int64_t min, std::int64_t max,
               std::function<void(Config&, std::int64_t)> set) {
  const auto check = [name, min, max](std::int64_t v) -> Status {
    if (v < min || v > max) {
      return Bad(name, "must be " + std::to_string(min) + ".." + std::to_string(max) + ", not " +
                           std::to_string(v));
    }
    return Status::Ok();
  };
  Key key;
  key.name = name;
  key.from_toml = [name, check, set](const toml::node& node, Config& c) -> Status {
    const auto v = node.value<std::int64_t>();
    if (!node.is_integer() || !v) return Bad(name, "expected an integer");
    ONYX_RETURN_IF_ERROR(check(*v));
    set(c, *v);
    return Status::Ok();
  };
  key.from_text = [name, check, set](const std::string& text, Config& c) -> Status {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Bad(name, "'" + text + "' is not an integer");
    }
    ONYX_RETURN_IF_ERROR(check(v));
    set(c, v);
    return Status::Ok();
  };
  return key;
}

Key StringKey(std::string name, std::function<Status(const std::string&)> check,
              std::function<void(Config&, std::string)> set) {
  Key key;
  key.name = name;
  key.from_toml = [name, check, set](const toml::node& node, Config& c) -> Status {
    const auto v = node.value<std::string>();
    if (!node.is_string() || !v) return Bad(name, "expected a string");
    ONYX_RETURN_IF_ERROR(check(*v));
    set(c, *v);
    return Status::Ok();
  };
  key.from_text = [name, check, set](const std::string& text, Config& c) -> Status {
    ONYX_RETURN_IF_ERROR(check(text));
    set(c, text);
    return Status::Ok();
  };
  return key;
}

Status AnyString(const std::string&) { return Status::Ok(); }

std::string ExpandHome(const std::string& path) {
  if (path.starts_with("~/")) {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
      return std::string(home) + path.substr(1);
    }
  }
  return path;
}

const std::vector<Key>& Keys() {
  static const std::vector<Key> keys = [] {
    std::vector<Key> k;
    k.push_back(StringKey(
        "data_dir",
        [](const std::string& v) {
          return v.empty() ? Bad("data_dir", "must not be empty") : Status::Ok();
        },
        [](Config& c, std::string v) { c.data_dir = ExpandHome(v); }));
    k.push_back(StringKey("project", AnyString, [](Config& c, std::string v) { c.project = v; }));
    k.push_back(StringKey(
        "embedder",
        [](const std::string& v) {
          if (v == "hash" || v.starts_with("bert:") ||
              (v.starts_with("openai:") && v.find('@') != std::string::npos)) {
            return Status::Ok();
          }
          return Bad("embedder", "'" + v + "' is not hash, bert:FOLDER or openai:MODEL@URL");
        },
        [](Config& c, std::string v) { c.embedder = v; }));
    k.push_back(IntegerKey("ingest.max_file_bytes", 1, std::int64_t{1} << 30,
                           [](Config& c, std::int64_t v) { c.ingest.max_file_bytes = v; }));
    k.push_back(IntegerKey("ingest.max_files", 1, 100'000'000,
                           [](Config& c, std::int64_t v) { c.ingest.max_files = v; }));
    k.push_back(IntegerKey("ingest.parse_time_limit_ms", 1, 600'000, [](Config& c, std::int64_t v) {
      c.ingest.parse_time_limit = std::chrono::milliseconds(v);
    }));
    k.push_back(IntegerKey("ingest.threads", 0, 256, [](Config& c, std::int64_t v) {
      c.ingest.threads = static_cast<int>(v);
    }));
    k.push_back(IntegerKey("query.depth", 1, 10, [](Config& c, std::int64_t v) {
      c.walk.max_depth = static_cast<int>(v);
    }));
    k.push_back(IntegerKey("query.limit", 1, 10'000,
                           [](Config& c, std::int64_t v) { c.walk.max_results = v; }));
    k.push_back(IntegerKey("query.time_limit_ms", 1, 600'000, [](Config& c, std::int64_t v) {
      c.walk.time_limit = std::chrono::milliseconds(v);
    }));
    k.push_back(IntegerKey("search.k", 1, 1000, [](Config& c, std::int64_t v) {
      c.search_k = static_cast<std::size_t>(v);
    }));
    k.push_back(IntegerKey("search.hnsw_m", 2, 256, [](Config& c, std::int64_t v) {
      c.hnsw_m = static_cast<std::size_t>(v);
    }));
    k.push_back(IntegerKey("search.hnsw_ef_construction", 1, 4096, [](Config& c, std::int64_t v) {
      c.hnsw_ef_construction = static_cast<std::size_t>(v);
    }));
    k.push_back(IntegerKey("search.hnsw_ef_search", 1, 4096, [](Config& c, std::int64_t v) {
      c.hnsw_ef_search = static_cast<std::size_t>(v);
    }));
    k.push_back(StringKey(
        "search.mode",
        [](const std::string& v) {
          return ParseSearchMode(v)
                     ? Status::Ok()
                     : Bad("search.mode", "'" + v + "' is not hybrid, vector or lexical");
        },
        [](Config& c, std::string v) { c.search_mode = v; }));
    // ingest.ignore: a list of patterns (or one string).
    Key ignore;
    ignore.name = "ingest.ignore";
    ignore.from_toml = [](const toml::node& node, Config& c) -> Status {
      const toml::array* list = node.as_array();
      if (list == nullptr) return Bad("ingest.ignore", "expected an array of strings");
      c.ingest.ignore.clear();
      for (const toml::node& item : *list) {
        const auto v = item.value<std::string>();
        if (!item.is_string() || !v) return Bad("ingest.ignore", "expected an array of strings");
        c.ingest.ignore.push_back(*v);
      }
      return Status::Ok();
    };
    ignore.from_text = [](const std::string& text, Config& c) -> Status {
      // Several patterns separated by commas.
      c.ingest.ignore.clear();
      std::stringstream parts(text);
      std::string part;
      while (std::getline(parts, part, ',')) {
        if (!part.empty()) c.ingest.ignore.push_back(part);
      }
      return Status::Ok();
    };
    k.push_back(std::move(ignore));
    return k;
  }();
  return keys;
}

std::string EnvName(const std::string& key) {
  std::string name = "ONYX_";
  for (const char ch : key) {
    name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return name;
}

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != 0) {
    return std::string(xdg) + "/onyx";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    return std::string(home) + "/.local/share/onyx";
  }
  return ".onyx";
}

// Applies a parsed table: every key must be known.
Status Apply(const toml::table& table, const std::string& origin, Config& config) {
  std::map<std::string, const Key*> by_name;
  for (const Key& k : Keys()) by_name.emplace(k.name, &k);
  Status status;
  const std::function<void(const toml::table&, const std::string&)> walk =
      [&](const toml::table& t, const std::string& prefix) {
        for (const auto& [name, node] : t) {
          if (!status.ok()) return;
          const std::string key = prefix + std::string(name.str());
          if (const toml::table* sub = node.as_table(); sub != nullptr && by_name.count(key) == 0) {
            bool is_section = false;
            for (const auto& [known, unused] : by_name) {
              if (known.starts_with(key + ".")) is_section = true;
            }
            if (is_section) {
              walk(*sub, key + ".");
              continue;
            }
          }
          const auto found = by_name.find(key);
          if (found == by_name.end()) {
            status = Status::InvalidArgument(origin + ": unknown key '" + key + "'");
            return;
          }
          const Status s = found->second->from_toml(node, config);
          if (!s.ok()) status = Status::InvalidArgument(origin + ": " + s.message());
        }
      };
  walk(table, "");
  return status;
}

}  // namespace

Result<std::optional<std::string>> FindConfigFile(const std::string& explicit_path) {
  std::error_code ec;
  if (!explicit_path.empty()) {
    if (!fs::is_regular_file(explicit_path, ec)) {
      return Status::NotFound("config: no file " + explicit_path);
    }
    return std::optional<std::string>(explicit_path);
  }
  if (const char* env = std::getenv("ONYX_CONFIG"); env != nullptr && *env != 0) {
    if (!fs::is_regular_file(env, ec))
      return Status::NotFound(std::string("ONYX_CONFIG: no file ") + env);
    return std::optional<std::string>(env);
  }
  if (fs::is_regular_file("onyx.toml", ec)) return std::optional<std::string>("onyx.toml");
  std::string xdg;
  if (const char* c = std::getenv("XDG_CONFIG_HOME"); c != nullptr && *c != 0) {
    xdg = std::string(c) + "/onyx/onyx.toml";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    xdg = std::string(home) + "/.config/onyx/onyx.toml";
  }
  if (!xdg.empty() && fs::is_regular_file(xdg, ec)) return std::optional<std::string>(xdg);
  return std::optional<std::string>();
}

Result<Config> ParseConfig(const std::string& text, const std::string& origin) {
  Config config;
  if (text.size() > (1u << 20)) return Status::InvalidArgument(origin + ": larger than 1 MiB");
  toml::parse_result parsed = toml::parse(text, origin);
  if (!parsed) {
    const toml::parse_error& error = parsed.error();
    return Status::InvalidArgument(origin + ":" + std::to_string(error.source().begin.line) + ": " +
                                   std::string(error.description()));
  }
  ONYX_RETURN_IF_ERROR(Apply(parsed.table(), origin, config));
  return config;
}

Result<Config> LoadConfig(const std::optional<std::string>& file) {
  Config config;
  if (file) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) return Status::NotFound("config: cannot read " + *file);
    std::stringstream text;
    text << in.rdbuf();
    ONYX_ASSIGN_OR_RETURN(config, ParseConfig(text.str(), *file));
    config.source = *file;
  }
  std::set<std::string> known;
  std::set<std::string> sections;  // "ONYX_QUERY_", …: a setting's name starts so
  for (const Key& key : Keys()) {
    const std::string name = EnvName(key.name);
    known.insert(name);
    if (const auto dot = key.name.find('.'); dot != std::string::npos) {
      sections.insert(EnvName(key.name.substr(0, dot)) + "_");
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == 0) continue;
    const Status s = key.from_text(value, config);
    if (!s.ok()) return Status::InvalidArgument(name + ": " + s.message());
  }
  // A misspelt setting would otherwise be ignored without a word.
  for (char** env = environ; *env != nullptr; ++env) {
    const std::string_view entry(*env);
    const std::string name(entry.substr(0, entry.find('=')));
    if (known.count(name) != 0) continue;
    for (const std::string& section : sections) {
      if (name.starts_with(section)) {
        std::string names;
        for (const std::string& k : known) {
          if (k.starts_with(section)) names += (names.empty() ? "" : ", ") + k;
        }
        return Status::InvalidArgument(name + ": not a setting (those of this section: " + names +
                                       ")");
      }
    }
  }
  if (config.data_dir.empty()) config.data_dir = DefaultDataDir();
  return config;
}

}  // namespace onyx::cli
