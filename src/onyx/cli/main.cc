// The `onyx` command: open a data folder, ingest a tree, and ask what is there.
// Exit codes: 0 ok, 1 error, 2 usage, 3 not found (docs/cli.md).
#include <CLI/CLI.hpp>
#include <cstdlib>

#include "onyx/cli/command.h"
#include "onyx/cli/repl.h"

namespace {

// The value of --config (before CLI11 parses: the file sets the flags' defaults).
std::string ConfigFlag(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--config=")) return arg.substr(9);
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace onyx::cli;
  CLI::App app{"onyx: a memory of your codebase for agents and developers"};
  app.require_subcommand(1);
  Globals globals;
  std::string config_path = ConfigFlag(argc, argv);
  {
    auto file = FindConfigFile(config_path);
    if (!file.ok()) return Fail(file.status());
    auto config = LoadConfig(*file);
    if (!config.ok()) return Fail(config.status());
    globals.defaults = *config;
  }
  globals.data_dir = globals.defaults.data_dir;
  globals.project = globals.defaults.project;
  globals.engine.embedder = globals.defaults.embedder;
  globals.engine.hnsw_m = globals.defaults.hnsw_m;
  globals.engine.hnsw_ef_construction = globals.defaults.hnsw_ef_construction;
  globals.engine.hnsw_ef_search = globals.defaults.hnsw_ef_search;
  app.add_option("--config", config_path,
                 "Configuration file (default: $ONYX_CONFIG, ./onyx.toml, "
                 "$XDG_CONFIG_HOME/onyx/onyx.toml)");
  app.add_option("--data-dir", globals.data_dir,
                 "Data folder (default: $ONYX_DATA_DIR, else $XDG_DATA_HOME/onyx)");
  app.add_option("-p,--project", globals.project, "Project name")->capture_default_str();
  app.add_option("--embedder", globals.engine.embedder,
                 "hash, bert:FOLDER (a local sentence-transformers model) or "
                 "openai:MODEL@URL (an OpenAI-compatible endpoint); default: "
                 "$ONYX_EMBEDDER, else hash")
      ->capture_default_str();

  const Registrar registrar = [](CLI::App& a, Globals& g, Commands& c) {
    AddIngestCommands(a, g, c);
    AddQueryCommands(a, g, c);
    AddAdminCommands(a, g, c);
  };
  Commands commands;
  registrar(app, globals, commands);
  AddServerCommands(app, globals, commands);
  CLI::App* repl =
      commands.Add(app, "repl", "Run commands interactively on one open store",
                   [&registrar](Session& session) { return RunRepl(session, registrar); });
  repl->add_option("--as-of", globals.as_of, "Start answering as of this revision");
  repl->add_flag("--json", globals.json, "Start in JSON mode");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  Session session(globals);
  return commands.Run(session);
}
