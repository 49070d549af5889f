// McpServer and the HTTP guard below the transports: tools/list pages,
// cancellation, the stateless era's _meta checks, Host/Origin rules.
#include "onyx/server/mcp_server.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "onyx/server/host_guard.h"
#include "testing/shop_engine.h"

namespace onyx::server {
namespace {

using nlohmann::json;
class McpServerTest : public testing::ShopEngineTest {
 protected:
  void SetUp() override {
    ShopEngineTest::SetUp();
    options_.project = "shop";
    options_.tree = tree_;
  }

  json Ask(McpServer& server, const json& message, const McpCall& call = {}) {
    const McpReply reply = server.Handle(message.dump(), call);
    return reply.response ? json::parse(*reply.response) : json();
  }

  McpOptions options_;
};

TEST_F(McpServerTest, ToolsListPagesWithCursors) {
  options_.tools_page_size = 4;
  McpServer server(*engine_, options_);
  std::set<std::string> names;
  json cursor;
  int pages = 0;
  do {
    json params = json::object();
    if (!cursor.is_null()) params["cursor"] = cursor;
    const json page =
        Ask(server, {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}, {"params", params}});
    ASSERT_TRUE(page.contains("result")) << page.dump();
    EXPECT_LE(page["result"]["tools"].size(), 4u);
    for (const json& tool : page["result"]["tools"]) names.insert(tool["name"]);
    cursor = page["result"].value("nextCursor", json());
    ++pages;
  } while (!cursor.is_null() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names.size(), 11u);
  EXPECT_EQ(names.count("remember"), 1u);
  for (const char* bad : {"tools:0", "tools:99", "tools:x", "elsewhere"}) {
    const json refused = Ask(
        server,
        {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}, {"params", {{"cursor", bad}}}});
    EXPECT_EQ(refused["error"]["code"], -32602) << bad;
  }
}

TEST_F(McpServerTest, ACancelledCallGetsNoResponse) {
  McpServer server(*engine_, options_);
  // The ingest reports progress; while it runs, the client cancels it.
  std::ofstream(tree_ + "/shop/extra.py") << "def extra():\n    return 1\n";
  McpCall call;
  call.session = "s1";
  std::atomic<int> notes{0};
  call.notify = [&](const std::string&) {
    if (notes++ == 0) {
      const McpReply cancelled =
          server.Handle(json{{"jsonrpc", "2.0"},
                             {"method", "notifications/cancelled"},
                             {"params", {{"requestId", 7}, {"reason", "user"}}}}
                            .dump(),
                        call);
      EXPECT_FALSE(cancelled.response);
    }
  };
  const json ingest = {{"jsonrpc", "2.0"},
                       {"id", 7},
                       {"method", "tools/call"},
                       {"params", {{"name", "ingest"}, {"_meta", {{"progressToken", "p"}}}}}};
  const McpReply reply = server.Handle(ingest.dump(), call);
  EXPECT_GE(notes.load(), 1);
  EXPECT_FALSE(reply.response) << *reply.response;
  // A cancel for another session's request id changes nothing.
  McpCall other = call;
  other.session = "s2";
  other.notify = [&](const std::string&) {
    server.Handle(
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":8}})", call);
  };
  std::ofstream(tree_ + "/shop/more.py") << "def more():\n    return 2\n";
  json again = ingest;
  again["id"] = 8;
  EXPECT_TRUE(server.Handle(again.dump(), other).response);
}

TEST_F(McpServerTest, StatelessRequestsAreCheckedAndMarked) {
  McpServer server(*engine_, options_);
  const json meta = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                     {"io.modelcontextprotocol/clientCapabilities", json::object()}};
  const json listed =
      Ask(server,
          {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}, {"params", {{"_meta", meta}}}});
  EXPECT_EQ(listed["result"]["resultType"], "complete");
  EXPECT_EQ(listed["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "onyx");

  json old = meta;
  old["io.modelcontextprotocol/protocolVersion"] = "2025-11-25";
  const McpReply refused = server.Handle(json{
      {"jsonrpc", "2.0"},
      {"id", 2},
      {"method", "tools/list"},
      {"params", {{"_meta", old}}}}.dump());
  EXPECT_EQ(refused.error_code, kMcpUnsupportedVersion);
  EXPECT_EQ(json::parse(*refused.response)["error"]["data"]["requested"], "2025-11-25");

  json bare = meta;
  bare.erase("io.modelcontextprotocol/clientCapabilities");
  EXPECT_EQ(
      server
          .Handle(
              json{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "ping"}, {"params", {{"_meta", bare}}}}
                  .dump())
          .error_code,
      kJsonRpcInvalidParams);
  // initialize reports what it negotiated, for the transport's session.
  const McpReply init = server.Handle(
      R"({"jsonrpc":"2.0","id":4,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})");
  EXPECT_EQ(init.protocol_version, "2025-06-18");
}

TEST_F(McpServerTest, StdioAnswersEveryRequestOnceWithCallsOnWorkers) {
  McpServer server(*engine_, options_);
  std::stringstream in;
  for (int id = 1; id <= 6; ++id) {
    in << json{{"jsonrpc", "2.0"},
               {"id", id},
               {"method", "tools/call"},
               {"params", {{"name", "impact"}, {"arguments", {{"name", "shop.pricing.subtotal"}}}}}}
              .dump()
       << "\n";
  }
  in << R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
     << "\n"
     << R"({"jsonrpc":"2.0","id":"p","method":"ping"})"
     << "\n"
     << "{broken\n";
  std::stringstream out;
  ServeStdio(server, in, out, 3);
  std::multiset<std::string> ids;
  std::string line;
  while (std::getline(out, line)) {
    const json reply = json::parse(line);
    ids.insert(reply["id"].dump());
    if (reply["id"].is_number()) {
      EXPECT_EQ(reply["result"]["structuredContent"]["start"]["qualified_name"],
                "shop.pricing.subtotal");
    }
  }
  EXPECT_EQ(ids, (std::multiset<std::string>{"1", "2", "3", "4", "5", "6", "\"p\"", "null"}));
}

HttpRequest Request(std::string host, std::string origin = {}) {
  HttpRequest request;
  request.headers.emplace_back("host", std::move(host));
  if (!origin.empty()) request.headers.emplace_back("origin", std::move(origin));
  return request;
}

TEST(HostGuardTest, OnlyThisServersNamesAndOriginsPass) {
  HostGuard guard("127.0.0.1", {"onyx.internal"}, {"https://app.example"});
  guard.set_port(7300);
  EXPECT_FALSE(guard.Check(Request("127.0.0.1:7300")));
  EXPECT_FALSE(guard.Check(Request("LOCALHOST:7300")));
  EXPECT_FALSE(guard.Check(Request("[::1]:7300")));
  EXPECT_FALSE(guard.Check(Request("onyx.internal")));
  EXPECT_TRUE(guard.Check(Request("evil.example:7300")));
  EXPECT_TRUE(guard.Check(Request("localhost.evil.example")));
  EXPECT_TRUE(guard.Check(HttpRequest{}));  // no Host at all
  EXPECT_FALSE(guard.Check(Request("localhost:7300", "http://localhost:7300")));
  EXPECT_FALSE(guard.Check(Request("localhost:7300", "http://127.0.0.1:7300")));
  // Another local program's page is another origin.
  EXPECT_TRUE(guard.Check(Request("localhost:7300", "http://localhost:5173")));
  EXPECT_TRUE(guard.Check(Request("localhost:7300", "http://localhost")));
  EXPECT_FALSE(guard.Check(Request("localhost:7300", "https://app.example")));
  EXPECT_TRUE(guard.Check(Request("localhost:7300", "https://evil.example")));
  EXPECT_TRUE(guard.Check(Request("localhost:7300", "null")));
  EXPECT_TRUE(guard.Check(Request("localhost:7300", "http://localhost:1/path")));
  EXPECT_TRUE(guard.Check(Request("localhost:7300", "file://localhost")));
  // Bound to every address, the machine's other names must be allowed explicitly.
  const HostGuard open("0.0.0.0", {}, {});
  EXPECT_TRUE(open.Check(Request("0.0.0.0:7300")));
  EXPECT_TRUE(open.Check(Request("192.168.1.5:7300")));
}

}  // namespace
}  // namespace onyx::server
