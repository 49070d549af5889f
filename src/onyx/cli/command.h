// What every `onyx` command shares: the global options, a session that opens
// the engine once (the REPL runs many commands on one), and the table that
// maps each parsed subcommand to the function that runs it.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onyx/cli/config.h"
#include "onyx/engine.h"

namespace CLI {
class App;
}  // namespace CLI

namespace onyx::cli {

/// Exit codes (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;

/// Options given before the subcommand (or set in the REPL).
struct Globals {
  std::string data_dir;
  std::string project = "default";
  EngineOptions engine;
  bool json = false;  ///< --json, or `:json on` in the REPL.
  std::string as_of;  ///< --as-of, or `:as-of REV` in the REPL; empty for the latest.
  Config defaults;    ///< onyx.toml and ONYX_*: the defaults of each command's flags.
};

/// The engine of one invocation, opened on first use.
class Session {
 public:
  explicit Session(Globals& globals) : globals_(globals) {}
  Globals& globals() { return globals_; }
  /// The open engine; the error of opening it otherwise.
  Result<Engine*> engine();
  /// The revision `spec` names (globals().as_of when `spec` is empty), or
  /// nullopt for the latest.
  Result<std::optional<RevisionNumber>> AsOf(const std::string& spec = {});

 private:
  Globals& globals_;
  std::unique_ptr<Engine> engine_;
};

using Action = std::function<int(Session&)>;

/// Subcommands and what runs them.
class Commands {
 public:
  /// Adds subcommand `name` to `app`; `action` runs when it is parsed.
  CLI::App* Add(CLI::App& app, const std::string& name, const std::string& help, Action action);
  /// Runs the parsed subcommand's action; kExitUsage when none was parsed.
  int Run(Session& session) const;
  /// The names of the subcommands, for completion.
  std::vector<std::string> Names() const;

 private:
  std::vector<std::pair<CLI::App*, Action>> actions_;
};

/// Each file of cli/ adds its commands. The options each command parses into
/// live as long as `app`.
void AddIngestCommands(CLI::App& app, Globals& globals, Commands& commands);
void AddQueryCommands(CLI::App& app, Globals& globals, Commands& commands);
void AddAdminCommands(CLI::App& app, Globals& globals, Commands& commands);
/// `mcp` and `serve` (in the binary only: the REPL does not serve).
void AddServerCommands(CLI::App& app, Globals& globals, Commands& commands);

/// Prints "onyx: <status>" on stderr and returns its exit code.
int Fail(const Status& status);
int ExitCode(const Status& status);

/// Whether stdout gets colour: a terminal, and $NO_COLOR unset or empty.
bool UseColor();
/// `text` in an ANSI style ("1" bold, "2" dim, "36" cyan …) when UseColor().
std::string Styled(std::string_view text, std::string_view sgr);

}  // namespace onyx::cli

/// Like ONYX_ASSIGN_OR_RETURN, for command actions: on error, prints it and
/// returns its exit code.
#define ONYX_ASSIGN_OR_RETURN_EXIT(lhs, rexpr) \
  ONYX_ASSIGN_OR_RETURN_EXIT_IMPL_(ONYX_STATUS_CONCAT_(onyx_exit_, __LINE__), lhs, rexpr)
#define ONYX_ASSIGN_OR_RETURN_EXIT_IMPL_(result, lhs, rexpr)   \
  auto result = (rexpr);                                       \
  if (!result.ok()) return ::onyx::cli::Fail(result.status()); \
  lhs = std::move(result).value()
