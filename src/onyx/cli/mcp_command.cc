// `onyx mcp`: the MCP server on stdin/stdout for agents (docs/mcp.md).
#include <CLI/CLI.hpp>
#include <iostream>

#include "onyx/cli/command.h"
#include "onyx/server/mcp_server.h"

namespace onyx::cli {

void AddServerCommands(CLI::App& app, Globals& /*globals*/, Commands& commands) {
  auto tree = std::make_shared<std::string>(".");
  CLI::App* mcp =
      commands.Add(app, "mcp", "Serve the Model Context Protocol on stdin/stdout (for agents)",
                   [tree](Session& session) {
                     // Many questions on one store: keep its edges in memory.
                     session.globals().engine.cache_topology = true;
                     ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
                     server::McpOptions options;
                     options.project = session.globals().project;
                     options.tree = *tree;
                     server::McpServer server(*e, options);
                     std::ios::sync_with_stdio(false);
                     server::ServeStdio(server, std::cin, std::cout);
                     return kExitOk;
                   });
  mcp->add_option("--tree", *tree, "The working tree index_status compares with")
      ->capture_default_str();
}

}  // namespace onyx::cli
