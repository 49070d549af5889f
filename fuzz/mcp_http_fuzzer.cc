// Fuzzes MCP over Streamable HTTP below the socket: header lines, a blank
// line, then the body, handed to McpHttpEndpoint::Post. Every input gets
// exactly one answer with a status the transport documents, and every JSON
// body or event it writes parses.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "fuzz_support.h"
#include "onyx/server/mcp_http.h"

namespace {

using namespace onyx;

struct FuzzEnv {
  FuzzEnv() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "onyx-mcp-fuzz-XXXXXX").string();
    const char* made = ::mkdtemp(tmpl.data());
    ONYX_FUZZ_CHECK(made != nullptr);
    dir = made;
    std::filesystem::create_directories(dir + "/tree");
    EngineOptions options;
    options.sync = false;
    auto opened = Engine::Open(dir + "/data", options);
    ONYX_FUZZ_CHECK(opened.ok());
    engine = std::move(opened).value();
    ONYX_FUZZ_CHECK(engine->CreateProject("fuzz").ok());
    server::McpOptions mcp;
    mcp.project = "fuzz";
    mcp.tree = dir + "/tree";
    mcp.max_message_bytes = 1 << 16;
    mcp_server = std::make_unique<server::McpServer>(*engine, mcp);
    endpoint = std::make_unique<server::McpHttpEndpoint>(*mcp_server);
  }
  ~FuzzEnv() {
    endpoint.reset();
    mcp_server.reset();
    engine.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string dir;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<server::McpServer> mcp_server;
  std::unique_ptr<server::McpHttpEndpoint> endpoint;
};

class Recorder : public server::Responder {
 public:
  void Send(server::HttpResponse response) override {
    ONYX_FUZZ_CHECK(!answered);
    answered = true;
    whole = std::move(response);
  }
  void StartEvents(server::HttpHeaders) override {
    ONYX_FUZZ_CHECK(!answered);
    answered = streaming = true;
  }
  void Event(std::string data) override {
    ONYX_FUZZ_CHECK(streaming);
    ONYX_FUZZ_CHECK(!nlohmann::json::parse(data, nullptr, false).is_discarded());
    ONYX_FUZZ_CHECK(data.find('\n') == std::string::npos);  // one SSE data line
  }
  bool Gone() const override { return false; }

  bool answered = false;
  bool streaming = false;
  server::HttpResponse whole;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FuzzEnv env;
  const std::string input(reinterpret_cast<const char*>(data), size);
  server::HttpRequest request;
  request.method = "POST";
  request.path = request.target = "/mcp";
  std::size_t at = 0;
  while (at < input.size()) {
    const std::size_t end = input.find('\n', at);
    const std::string line = input.substr(at, end == std::string::npos ? end : end - at);
    at = end == std::string::npos ? input.size() : end + 1;
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request.headers.emplace_back(line.substr(0, colon), value);
  }
  request.body = input.substr(at);
  Recorder recorder;
  env.endpoint->Post(request, recorder);
  ONYX_FUZZ_CHECK(recorder.answered);
  if (!recorder.streaming) {
    static const std::set<int> kStatuses = {200, 202, 204, 400, 404, 406, 415};
    ONYX_FUZZ_CHECK(kStatuses.count(recorder.whole.status) != 0);
    if (!recorder.whole.body.empty()) {
      ONYX_FUZZ_CHECK(!nlohmann::json::parse(recorder.whole.body, nullptr, false).is_discarded());
    }
  }
  return 0;
}
