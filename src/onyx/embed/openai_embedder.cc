// The OpenAI-compatible client: Boost.Beast over TCP (and OpenSSL for https),
// asynchronous operations run to a deadline so that connect, TLS, write and
// read all honour the timeout.
#include "onyx/embed/openai_embedder.h"

#include <xxhash.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

namespace onyx::embed {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct Reply {
  bool transport_failed = false;  // connection, TLS, timeout: transient
  std::string transport_error;
  unsigned status = 0;
  std::string body;
};

}  // namespace

struct OpenAiEmbedder::Endpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;

  // One POST, with a deadline over the whole exchange.
  Reply Post(const std::string& body, const std::string& api_key, std::chrono::milliseconds timeout,
             std::size_t max_bytes) const {
    Reply reply;
    net::io_context ioc;
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(host, port, ec);
    if (ec) {
      reply.transport_failed = true;
      reply.transport_error = "resolving " + host + ": " + ec.message();
      return reply;
    }
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, host);
    request.set(http::field::user_agent, "onyx");
    request.set(http::field::content_type, "application/json");
    if (!api_key.empty()) request.set(http::field::authorization, "Bearer " + api_key);
    request.body() = body;
    request.prepare_payload();
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_bytes);
    beast::error_code failure;
    const auto finish = [&](beast::error_code e) { failure = e; };

    if (!tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(timeout);
      stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
        if (e) return finish(e);
        http::async_write(stream, request, [&](beast::error_code e2, std::size_t) {
          if (e2) return finish(e2);
          http::async_read(stream, buffer, parser,
                           [&](beast::error_code e3, std::size_t) { finish(e3); });
        });
      });
      ioc.run();
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    } else {
      net::ssl::context ctx(net::ssl::context::tls_client);
      ctx.set_default_verify_paths();
      ctx.set_verify_mode(net::ssl::verify_peer);
      beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
      SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
      stream.set_verify_callback(net::ssl::host_name_verification(host));
      beast::get_lowest_layer(stream).expires_after(timeout);
      beast::get_lowest_layer(stream).async_connect(
          endpoints, [&](beast::error_code e, const tcp::endpoint&) {
            if (e) return finish(e);
            stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e2) {
              if (e2) return finish(e2);
              http::async_write(stream, request, [&](beast::error_code e3, std::size_t) {
                if (e3) return finish(e3);
                http::async_read(stream, buffer, parser,
                                 [&](beast::error_code e4, std::size_t) { finish(e4); });
              });
            });
          });
      ioc.run();
    }
    if (failure) {
      reply.transport_failed = failure != http::error::body_limit;
      reply.transport_error = failure == beast::error::timeout
                                  ? "no answer within " + std::to_string(timeout.count()) + " ms"
                                  : failure.message();
      if (failure == http::error::body_limit) reply.status = 413;
      return reply;
    }
    reply.status = parser.get().result_int();
    reply.body = std::move(parser.get().body());
    return reply;
  }
};

OpenAiEmbedder::OpenAiEmbedder(OpenAiOptions options, std::unique_ptr<Endpoint> endpoint)
    : options_(std::move(options)), endpoint_(std::move(endpoint)) {
  // The endpoint is part of the model's identity: two servers may serve
  // different weights under one name.
  char print[9];
  std::snprintf(print, sizeof print, "%08x",
                static_cast<unsigned>(XXH3_64bits(options_.url.data(), options_.url.size()) >> 32));
  model_id_ = "openai-" + options_.model + "-" + print;
  dimensions_ = options_.dimensions;
}

OpenAiEmbedder::~OpenAiEmbedder() = default;

Result<std::unique_ptr<OpenAiEmbedder>> OpenAiEmbedder::Create(const OpenAiOptions& options) {
  auto endpoint = std::make_unique<Endpoint>();
  std::string_view rest = options.url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
    endpoint->tls = true;
  } else {
    return Status::InvalidArgument("openai: url '" + options.url + "' is not http(s)://…");
  }
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  endpoint->target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    endpoint->host = std::string(authority.substr(0, colon));
    endpoint->port = std::string(authority.substr(colon + 1));
  } else {
    endpoint->host = std::string(authority);
    endpoint->port = endpoint->tls ? "443" : "80";
  }
  if (endpoint->host.empty() || endpoint->port.empty() ||
      endpoint->port.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("openai: url '" + options.url + "' has no usable host and port");
  }
  if (options.model.empty()) return Status::InvalidArgument("openai: no model given");
  if (options.batch_size == 0)
    return Status::InvalidArgument("openai: batch size must be positive");
  std::unique_ptr<OpenAiEmbedder> embedder(new OpenAiEmbedder(options, std::move(endpoint)));
  if (embedder->dimensions_ == 0) {
    std::size_t learnt = 0;
    const std::string_view probe[] = {"dimensions probe"};
    ONYX_RETURN_IF_ERROR(embedder->EmbedBatch(probe, nullptr, &learnt));
    embedder->dimensions_ = learnt;
  }
  return embedder;
}

Status OpenAiEmbedder::Embed(std::span<const std::string_view> texts, float* out) const {
  for (std::size_t first = 0; first < texts.size(); first += options_.batch_size) {
    const std::size_t n = std::min(options_.batch_size, texts.size() - first);
    ONYX_RETURN_IF_ERROR(EmbedBatch(texts.subspan(first, n), out + first * dimensions_, nullptr));
  }
  return Status::Ok();
}

Status OpenAiEmbedder::EmbedBatch(std::span<const std::string_view> texts, float* out,
                                  std::size_t* learnt_dimensions) const {
  nlohmann::json request;
  request["model"] = options_.model;
  request["input"] = nlohmann::json::array();
  for (const std::string_view t : texts) {
    // JSON needs valid UTF-8: invalid bytes become U+FFFD.
    request["input"].push_back(std::string(t));
  }
  const std::string body = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const char* key =
      options_.api_key_env.empty() ? nullptr : std::getenv(options_.api_key_env.c_str());
  const std::string api_key = key != nullptr ? key : "";

  std::chrono::milliseconds wait = options_.backoff;
  Reply reply;
  for (int attempt = 0;; ++attempt) {
    reply = endpoint_->Post(body, api_key, options_.timeout, options_.max_response_bytes);
    const bool transient = reply.transport_failed || reply.status == 429 || reply.status >= 500;
    if (!transient || attempt >= options_.retries) break;
    std::this_thread::sleep_for(wait);
    wait *= 2;
  }
  const std::string where = "openai: " + options_.url;
  if (reply.transport_failed) {
    return Status::IOError(where + ": " + reply.transport_error + " (after " +
                           std::to_string(options_.retries + 1) + " attempts)");
  }
  const std::string said = reply.body.substr(0, 300);
  if (reply.status == 429 || reply.status >= 500) {
    return Status::IOError(where + " answered " + std::to_string(reply.status) + " " + said +
                           " (after " + std::to_string(options_.retries + 1) + " attempts)");
  }
  if (reply.status == 401 || reply.status == 403) {
    return Status::FailedPrecondition(where + " refused the request (" +
                                      std::to_string(reply.status) + "): set $" +
                                      options_.api_key_env + "? " + said);
  }
  if (reply.status != 200) {
    return Status::InvalidArgument(where + " answered " + std::to_string(reply.status) + ": " +
                                   said);
  }
  const auto json = nlohmann::json::parse(reply.body, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("data") ||
      !json["data"].is_array() || json["data"].size() != texts.size()) {
    return Status::Corruption(where + ": the answer is not " + std::to_string(texts.size()) +
                              " embeddings: " + said);
  }
  std::size_t dims = dimensions_;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& item = json["data"][i];
    const std::size_t index = item.contains("index") && item["index"].is_number_unsigned()
                                  ? item["index"].get<std::size_t>()
                                  : i;
    if (index >= texts.size() || !item.contains("embedding") || !item["embedding"].is_array()) {
      return Status::Corruption(where + ": embedding " + std::to_string(i) + " is malformed");
    }
    const auto& values = item["embedding"];
    if (dims == 0) dims = values.size();
    if (values.size() != dims || dims == 0) {
      return Status::Corruption(where + ": an embedding has " + std::to_string(values.size()) +
                                " dimensions, expected " + std::to_string(dims));
    }
    if (out == nullptr) continue;
    float* v = out + index * dims;
    double norm = 0;
    for (std::size_t d = 0; d < dims; ++d) {
      if (!values[d].is_number()) {
        return Status::Corruption(where + ": embedding " + std::to_string(i) +
                                  " holds a non-number");
      }
      v[d] = values[d].get<float>();
      norm += static_cast<double>(v[d]) * v[d];
    }
    const float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0F;
    for (std::size_t d = 0; d < dims; ++d) v[d] *= inv;
  }
  if (learnt_dimensions != nullptr) *learnt_dimensions = dims;
  return Status::Ok();
}

}  // namespace onyx::embed
