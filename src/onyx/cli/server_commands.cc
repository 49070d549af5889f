// `onyx mcp`: the MCP server on stdin/stdout for agents; `onyx serve`: the
// HTTP server, with MCP at /mcp and health at /health/live and /health/ready
// (docs/mcp.md).
#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "onyx/cli/command.h"
#include "onyx/server/host_guard.h"
#include "onyx/server/http_server.h"
#include "onyx/server/mcp_http.h"
#include "onyx/server/mcp_server.h"

namespace onyx::cli {
namespace {

struct ServeFlags {
  std::string tree = ".";
  std::string host = "127.0.0.1";
  std::uint16_t port = 7300;
  std::size_t workers = 8;
  std::vector<std::string> allow_hosts;
  std::vector<std::string> allow_origins;
};

server::HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  server::HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

int Serve(Session& session, const ServeFlags& flags) {
  // Many questions on one store: keep its edges in memory.
  session.globals().engine.cache_topology = true;
  ONYX_ASSIGN_OR_RETURN_EXIT(Engine * engine, session.engine());
  const std::string project = session.globals().project;
  // A new project is fine: agents fill it with the ingest tool.
  ONYX_ASSIGN_OR_RETURN_EXIT(const Project opened, engine->OpenOrCreateProject(project));
  (void)opened;
  server::McpOptions mcp_options;
  mcp_options.project = project;
  mcp_options.tree = flags.tree;
  server::McpServer mcp(*engine, mcp_options);
  server::McpHttpEndpoint endpoint(mcp);
  server::HostGuard guard(flags.host, flags.allow_hosts, flags.allow_origins);
  std::atomic<server::HttpServer*> http{nullptr};

  server::Router router;
  router.Add("GET", "/health/live", [](const server::HttpRequest&, server::Responder& r) {
    r.Send(JsonResponse(200, {{"status", "live"}}));
  });
  router.Add("GET", "/health/ready", [&](const server::HttpRequest&, server::Responder& r) {
    const server::HttpServer* running = http.load();
    if (running == nullptr || running->stopping()) {
      r.Send(JsonResponse(503, {{"status", "stopping"}}));
      return;
    }
    auto latest = engine->LatestRevision(project);
    if (!latest.ok()) {
      r.Send(
          JsonResponse(503, {{"status", "unavailable"}, {"detail", latest.status().ToString()}}));
      return;
    }
    r.Send(JsonResponse(200, {{"status", "ready"},
                              {"project", project},
                              {"revision", *latest ? nlohmann::json((*latest)->number)
                                                   : nlohmann::json(nullptr)}}));
  });
  router.Add("POST", "/mcp",
             [&](const server::HttpRequest& q, server::Responder& r) { endpoint.Post(q, r); });
  router.Add("DELETE", "/mcp",
             [&](const server::HttpRequest& q, server::Responder& r) { endpoint.Delete(q, r); });

  server::HttpServerOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.workers = flags.workers;
  auto bound = server::HttpServer::Bind(
      options, [&](const server::HttpRequest& request, server::Responder& responder) {
        if (auto refused = guard.Check(request)) {
          responder.Send(server::Problem(403, "Forbidden", *refused));
          return;
        }
        router.Handle(request, responder);
      });
  if (!bound.ok()) return Fail(bound.status());
  server::HttpServer& running = **bound;
  guard.set_port(running.port());  // before any request is read
  http.store(&running);
  const bool v6 = flags.host.find(':') != std::string::npos;
  std::printf("onyx: serving project '%s' on http://%s%s%s:%u (MCP at /mcp)\n", project.c_str(),
              v6 ? "[" : "", flags.host.c_str(), v6 ? "]" : "", running.port());
  std::fflush(stdout);
  running.Run(/*handle_signals=*/true);
  http.store(nullptr);
  std::printf("onyx: stopped\n");
  return kExitOk;
}

}  // namespace

void AddServerCommands(CLI::App& app, Globals& /*globals*/, Commands& commands) {
  auto tree = std::make_shared<std::string>(".");
  CLI::App* mcp =
      commands.Add(app, "mcp", "Serve the Model Context Protocol on stdin/stdout (for agents)",
                   [tree](Session& session) {
                     session.globals().engine.cache_topology = true;
                     ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
                     ONYX_ASSIGN_OR_RETURN_EXIT(const Project opened,
                                                e->OpenOrCreateProject(session.globals().project));
                     (void)opened;
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

  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = commands.Add(
      app, "serve", "Serve HTTP: MCP at /mcp, /health/live, /health/ready (SIGTERM stops)",
      [flags](Session& session) { return Serve(session, *flags); });
  serve->add_option("--host", flags->host, "Address to listen on (loopback by default)")
      ->capture_default_str();
  serve->add_option("--port", flags->port, "Port to listen on; 0 picks a free one")
      ->capture_default_str();
  serve->add_option("--tree", flags->tree, "The working tree index_status and ingest use")
      ->capture_default_str();
  serve->add_option("--workers", flags->workers, "Threads answering requests")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--allow-host", flags->allow_hosts,
                    "Another name clients may use in Host (besides localhost and loopback)");
  serve->add_option("--allow-origin", flags->allow_origins,
                    "A browser origin allowed to call (e.g. https://app.example)");
}

}  // namespace onyx::cli
