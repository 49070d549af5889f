// The OpenAI-compatible embedder against a small HTTP server in the test that
// speaks /v1/embeddings (Boost.Beast): batching, reordering by index,
// normalisation, retries with backoff on 429/5xx, no retry on 401/400, the API
// key, malformed answers and timeouts.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "onyx/embed/openai_embedder.h"
#include "testing/temp_dir.h"

namespace onyx::embed {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Serves scripted answers, one per request: "ok" gives each input the vector
// (len, 1, 2, …, 7) in reverse order of index; others give an HTTP status, a
// malformed body, or no answer for a while.
class FakeServer {
 public:
  FakeServer() : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    stop_ = true;
    beast::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // wake accept()
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           "/v1/embeddings";
  }
  void Script(std::deque<std::string> answers) {
    std::lock_guard lock(mu_);
    answers_ = std::move(answers);
  }
  int requests() const { return requests_; }
  std::string last_authorization() {
    std::lock_guard lock(mu_);
    return authorization_;
  }

 private:
  void Serve() {
    while (!stop_) {
      tcp::socket socket(ioc_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) continue;
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      ++requests_;
      std::string answer = "ok";
      {
        std::lock_guard lock(mu_);
        if (!answers_.empty()) {
          answer = answers_.front();
          answers_.pop_front();
        }
        authorization_ = std::string(request[http::field::authorization]);
      }
      http::response<http::string_body> response{http::status::ok, 11};
      response.set(http::field::content_type, "application/json");
      if (answer == "ok") {
        const auto in = nlohmann::json::parse(request.body());
        nlohmann::json out;
        out["data"] = nlohmann::json::array();
        const std::size_t n = in["input"].size();
        for (std::size_t i = n; i-- > 0;) {
          std::vector<float> v = {static_cast<float>(in["input"][i].get<std::string>().size())};
          for (int d = 1; d < 8; ++d) v.push_back(static_cast<float>(d));
          out["data"].push_back({{"index", i}, {"embedding", v}});
        }
        response.body() = out.dump();
      } else if (answer == "garbage") {
        response.body() = "{\"data\": \"no\"}";
      } else if (answer == "slow") {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        response.body() = "{}";
      } else {
        response.result(static_cast<unsigned>(std::stoi(answer)));
        response.body() = "{\"error\": \"scripted " + answer + "\"}";
      }
      response.prepare_payload();
      http::write(socket, response, ec);
    }
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::deque<std::string> answers_;
  std::string authorization_;
};

OpenAiOptions Options(const FakeServer& server) {
  OpenAiOptions o;
  o.url = server.url();
  o.model = "nomic-embed-text";
  o.batch_size = 2;
  o.timeout = std::chrono::milliseconds(300);
  o.retries = 2;
  o.backoff = std::chrono::milliseconds(10);
  o.api_key_env = "ONYX_TEST_OPENAI_KEY";
  return o;
}

TEST(OpenAiEmbedder, BatchesReordersAndNormalises) {
  FakeServer server;
  ::setenv("ONYX_TEST_OPENAI_KEY", "sk-test", 1);
  auto embedder = OpenAiEmbedder::Create(Options(server));
  ASSERT_OK(embedder);
  EXPECT_EQ((*embedder)->dimensions(), 8u);  // learnt from the probe
  // The model's name and its endpoint (another server may serve other weights).
  EXPECT_TRUE((*embedder)->model_id().starts_with("openai-nomic-embed-text-"))
      << (*embedder)->model_id();
  EXPECT_EQ((*embedder)->model_id().size(), std::string("openai-nomic-embed-text-").size() + 8);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(server.last_authorization(), "Bearer sk-test");
  ::unsetenv("ONYX_TEST_OPENAI_KEY");

  const std::string_view texts[] = {"a", "bbbbb", "cc", "", "dddddddddd"};
  std::vector<float> out(5 * 8);
  ASSERT_OK((*embedder)->Embed(texts, out.data()));
  EXPECT_EQ(server.requests(), 4);  // the probe, then 2 + 2 + 1
  for (std::size_t i = 0; i < 5; ++i) {
    const float first = static_cast<float>(texts[i].size());
    const float norm = std::sqrt(first * first + 140.0F);  // 1² + … + 7² = 140
    EXPECT_NEAR(out[i * 8], first / norm, 1e-6F) << i;     // in input order
    EXPECT_NEAR(out[i * 8 + 7], 7.0F / norm, 1e-6F);
  }
  EXPECT_EQ(server.last_authorization(), "");
}

TEST(OpenAiEmbedder, RetriesTransientFailuresOnly) {
  FakeServer server;
  OpenAiOptions options = Options(server);
  options.dimensions = 8;
  auto embedder = OpenAiEmbedder::Create(options);
  ASSERT_OK(embedder);
  EXPECT_EQ(server.requests(), 0);  // dimensions given: no probe
  const std::string_view one[] = {"x"};
  std::vector<float> out(8);

  server.Script({"500", "503"});
  ASSERT_OK((*embedder)->Embed(one, out.data()));
  EXPECT_EQ(server.requests(), 3);

  server.Script({"429", "429", "429", "ok"});
  const Status limited = (*embedder)->Embed(one, out.data());
  EXPECT_EQ(limited.code(), StatusCode::kIOError) << limited.ToString();
  EXPECT_NE(limited.message().find("429"), std::string::npos);
  EXPECT_NE(limited.message().find("after 3 attempts"), std::string::npos);
  EXPECT_EQ(server.requests(), 6);

  server.Script({"401", "ok"});
  EXPECT_EQ((*embedder)->Embed(one, out.data()).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(server.requests(), 7);  // not retried

  server.Script({"400", "ok"});
  const Status bad = (*embedder)->Embed(one, out.data());
  EXPECT_TRUE(bad.IsInvalidArgument());
  EXPECT_NE(bad.message().find("scripted 400"), std::string::npos) << bad.ToString();

  server.Script({"garbage"});
  EXPECT_EQ((*embedder)->Embed(one, out.data()).code(), StatusCode::kCorruption);
}

TEST(OpenAiEmbedder, TimesOutAndRefusesBadConfiguration) {
  FakeServer server;
  OpenAiOptions options = Options(server);
  options.dimensions = 8;
  options.retries = 1;
  auto embedder = OpenAiEmbedder::Create(options);
  ASSERT_OK(embedder);
  server.Script({"slow", "slow"});
  const std::string_view one[] = {"x"};
  std::vector<float> out(8);
  const Status slow = (*embedder)->Embed(one, out.data());
  EXPECT_EQ(slow.code(), StatusCode::kIOError);
  EXPECT_NE(slow.message().find("no answer within 300 ms"), std::string::npos) << slow.ToString();

  options.url = "ftp://example.com/x";
  EXPECT_TRUE(OpenAiEmbedder::Create(options).status().IsInvalidArgument());
  options.url = "http://:80/x";
  EXPECT_TRUE(OpenAiEmbedder::Create(options).status().IsInvalidArgument());
  options.url = server.url();
  options.model = "";
  EXPECT_TRUE(OpenAiEmbedder::Create(options).status().IsInvalidArgument());
  // Nothing listens on port 1: connection refused, retried, then IOError.
  options.model = "m";
  options.url = "http://127.0.0.1:1/v1/embeddings";
  options.dimensions = 0;
  EXPECT_EQ(OpenAiEmbedder::Create(options).status().code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace onyx::embed
