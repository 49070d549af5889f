// Sessions, the command table and output helpers.
#include "onyx/cli/command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

namespace onyx::cli {

Result<Engine*> Session::engine() {
  if (!engine_) {
    ONYX_ASSIGN_OR_RETURN(engine_, Engine::Open(globals_.data_dir, globals_.engine));
  }
  return engine_.get();
}

Result<std::optional<RevisionNumber>> Session::AsOf(const std::string& spec) {
  const std::string& text = spec.empty() ? globals_.as_of : spec;
  if (text.empty()) return std::optional<RevisionNumber>();
  ONYX_ASSIGN_OR_RETURN(Engine * e, engine());
  ONYX_ASSIGN_OR_RETURN(const RevisionNumber rev, e->ResolveRevision(globals_.project, text));
  return std::optional<RevisionNumber>(rev);
}

CLI::App* Commands::Add(CLI::App& app, const std::string& name, const std::string& help,
                        Action action) {
  CLI::App* sub = app.add_subcommand(name, help);
  actions_.emplace_back(sub, std::move(action));
  return sub;
}

int Commands::Run(Session& session) const {
  for (const auto& [sub, action] : actions_) {
    if (sub->parsed()) return action(session);
  }
  return kExitUsage;
}

std::vector<std::string> Commands::Names() const {
  std::vector<std::string> names;
  for (const auto& [sub, action] : actions_) names.push_back(sub->get_name());
  return names;
}

int ExitCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kNotFound: return kExitNotFound;
    default: return kExitError;
  }
}

int Fail(const Status& status) {
  std::cerr << "onyx: " << status.ToString() << "\n";
  return ExitCode(status);
}

bool UseColor() {
  static const bool use = [] {
    const char* no_color = std::getenv("NO_COLOR");
    return (no_color == nullptr || *no_color == 0) && isatty(STDOUT_FILENO) == 1;
  }();
  return use;
}

std::string Styled(std::string_view text, std::string_view sgr) {
  if (!UseColor()) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

}  // namespace onyx::cli
