// Configuration of the `onyx` command: defaults, then onyx.toml, then ONYX_*
// environment variables, then flags (docs/config.md). Loading validates every
// key and names the key and the problem.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "onyx/engine.h"
#include "onyx/query.h"
#include "onyx/search.h"
#include "onyx/status.h"

namespace onyx::cli {

struct Config {
  std::string data_dir;  ///< Resolved: --data-dir, $ONYX_DATA_DIR, file, XDG default.
  std::string project = "default";
  std::string embedder = "hash";
  IngestOptions ingest;
  WalkLimits walk;  ///< Defaults of impact, tests and neighbors.
  std::size_t search_k = 10;
  std::string search_mode = "hybrid";
  std::size_t hnsw_m = 16;                 ///< search.hnsw_m
  std::size_t hnsw_ef_construction = 200;  ///< search.hnsw_ef_construction
  std::size_t hnsw_ef_search = 100;        ///< search.hnsw_ef_search
  std::string source;                      ///< The file read ("" when none).
};

/// Where the configuration file is: `explicit_path` (from --config), else
/// $ONYX_CONFIG, else ./onyx.toml, else $XDG_CONFIG_HOME/onyx/onyx.toml (or
/// ~/.config/onyx/onyx.toml); nullopt when none of the implicit ones exists.
/// An explicit path that does not exist is NotFound.
Result<std::optional<std::string>> FindConfigFile(const std::string& explicit_path);

/// Defaults, overridden by the file (if any), overridden by ONYX_* variables
/// (ONYX_DATA_DIR, ONYX_PROJECT, ONYX_EMBEDDER, ONYX_INGEST_MAX_FILE_BYTES,
/// ONYX_QUERY_DEPTH, ONYX_SEARCH_K, ONYX_SEARCH_HNSW_M …: one per key, upper-cased, dots as
/// underscores). InvalidArgument naming the key (or variable) on any problem.
Result<Config> LoadConfig(const std::optional<std::string>& file);

/// Parses TOML text (for tests); `origin` names it in errors.
Result<Config> ParseConfig(const std::string& text, const std::string& origin);

}  // namespace onyx::cli
