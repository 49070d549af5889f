// BM25 scoring.
#include "onyx/index/lexical_index.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "onyx/core/coding.h"
#include "onyx/embed/code_tokens.h"

namespace onyx::index {
namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Status LexicalIndex::Add(std::uint64_t key, std::string_view name, std::string_view text) {
  std::map<std::string, std::pair<float, float>> tf;  // term → (text, name)
  float text_length = 0;
  float name_length = 0;
  for (const embed::CodeToken& t : embed::CodeTokens(name)) {
    tf[t.text].second += 1.0F;
    name_length += 1.0F;
  }
  for (const embed::CodeToken& t : embed::CodeTokens(text)) {
    tf[t.text].first += 1.0F;
    text_length += 1.0F;
  }
  std::unique_lock lock(mu_);
  if (docs_.count(key) != 0) {
    return Status::AlreadyExists("lexical index: key " + std::to_string(key) + " exists");
  }
  Doc& doc = docs_[key];
  doc.text_length = text_length;
  doc.name_length = name_length;
  doc.name = LowerAscii(name);
  doc.terms.reserve(tf.size());
  for (const auto& [term, counts] : tf) {
    postings_[term].push_back({key, counts.first, counts.second});
    doc.terms.push_back(term);
  }
  by_name_[doc.name].push_back(key);
  total_text_length_ += text_length;
  total_name_length_ += name_length;
  return Status::Ok();
}

Status LexicalIndex::Remove(std::uint64_t key) {
  std::unique_lock lock(mu_);
  auto it = docs_.find(key);
  if (it == docs_.end()) {
    return Status::NotFound("lexical index: key " + std::to_string(key) + " is absent");
  }
  for (const std::string& term : it->second.terms) {
    auto& list = postings_[term];
    list.erase(
        std::remove_if(list.begin(), list.end(), [key](const Posting& p) { return p.key == key; }),
        list.end());
    if (list.empty()) postings_.erase(term);
  }
  auto& named = by_name_[it->second.name];
  named.erase(std::remove(named.begin(), named.end(), key), named.end());
  if (named.empty()) by_name_.erase(it->second.name);
  total_text_length_ -= it->second.text_length;
  total_name_length_ -= it->second.name_length;
  docs_.erase(it);
  return Status::Ok();
}

std::vector<LexicalHit> LexicalIndex::Search(
    std::string_view query, std::size_t k, const std::function<bool(std::uint64_t)>& filter) const {
  std::shared_lock lock(mu_);
  std::vector<LexicalHit> hits;
  if (docs_.empty() || k == 0) return hits;
  const double n = static_cast<double>(docs_.size());
  const double text_average = std::max(1e-9, total_text_length_ / n);
  const double name_average = std::max(1e-9, total_name_length_ / n);
  const auto saturate = [](double tf, double length, double average) {
    return tf * (kK1 + 1) / (tf + kK1 * (1 - kB + kB * length / average));
  };
  std::map<std::string, int> terms;
  for (const embed::CodeToken& t : embed::CodeTokens(query, 256)) ++terms[t.text];
  std::unordered_map<std::uint64_t, float> scores;
  for (const auto& [term, count] : terms) {
    auto it = postings_.find(term);
    if (it == postings_.end()) continue;
    const double df = static_cast<double>(it->second.size());
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    for (const Posting& p : it->second) {
      if (filter && !filter(p.key)) continue;
      const Doc& doc = docs_.at(p.key);
      const double part = saturate(p.text_tf, doc.text_length, text_average) +
                          kNameBoost * saturate(p.name_tf, doc.name_length, name_average);
      scores[p.key] += static_cast<float>(idf * part * count);
    }
  }
  hits.reserve(scores.size());
  for (const auto& [key, score] : scores) hits.push_back({key, score});
  const std::size_t keep = std::min(k, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(keep), hits.end(),
                    [](const LexicalHit& a, const LexicalHit& b) {
                      return a.score != b.score ? a.score > b.score : a.key < b.key;
                    });
  hits.resize(keep);
  return hits;
}

std::vector<std::uint64_t> LexicalIndex::ExactName(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = by_name_.find(LowerAscii(name));
  return it == by_name_.end() ? std::vector<std::uint64_t>{} : it->second;
}

std::string LexicalIndex::Serialize() const {
  std::shared_lock lock(mu_);
  // Term counts per document, from the postings.
  std::unordered_map<std::uint64_t, std::vector<std::pair<const std::string*, const Posting*>>>
      by_doc;
  for (const auto& [term, list] : postings_) {
    for (const Posting& p : list) by_doc[p.key].emplace_back(&term, &p);
  }
  std::string out;
  out.push_back(1);  // format
  core::PutVarint64(&out, docs_.size());
  for (const auto& [key, doc] : docs_) {
    core::PutVarint64(&out, key);
    core::PutLengthPrefixed(&out, doc.name);
    core::PutFloat32(&out, doc.text_length);
    core::PutFloat32(&out, doc.name_length);
    const auto& terms = by_doc[key];
    core::PutVarint64(&out, terms.size());
    for (const auto& [term, posting] : terms) {
      core::PutLengthPrefixed(&out, *term);
      core::PutFloat32(&out, posting->text_tf);
      core::PutFloat32(&out, posting->name_tf);
    }
  }
  return out;
}

Result<std::unique_ptr<LexicalIndex>> LexicalIndex::Deserialize(std::string_view bytes) {
  auto index = std::make_unique<LexicalIndex>();
  core::ByteReader r(bytes);
  std::uint8_t format = 0;
  if (r.ReadByte(&format) && format != 1) r.Fail("lexical index format " + std::to_string(format));
  std::uint64_t docs = 0;
  if (!r.failed() && r.ReadVarint64(&docs) && docs > r.remaining()) r.Fail("document count");
  for (std::uint64_t d = 0; d < docs && !r.failed(); ++d) {
    std::uint64_t key = 0;
    Doc doc;
    std::uint64_t terms = 0;
    if (!(r.ReadVarint64(&key) && r.ReadLengthPrefixed(&doc.name) &&
          r.ReadFloat32(&doc.text_length) && r.ReadFloat32(&doc.name_length) &&
          r.ReadVarint64(&terms))) {
      break;
    }
    if (terms > r.remaining() || index->docs_.count(key) != 0) {
      r.Fail("document " + std::to_string(key));
      break;
    }
    for (std::uint64_t t = 0; t < terms; ++t) {
      std::string term;
      Posting p{key, 0, 0};
      if (!(r.ReadLengthPrefixed(&term) && r.ReadFloat32(&p.text_tf) &&
            r.ReadFloat32(&p.name_tf))) {
        break;
      }
      index->postings_[term].push_back(p);
      doc.terms.push_back(std::move(term));
    }
    index->total_text_length_ += doc.text_length;
    index->total_name_length_ += doc.name_length;
    index->by_name_[doc.name].push_back(key);
    index->docs_.emplace(key, std::move(doc));
  }
  if (!r.failed() && !r.AtEnd()) r.Fail("trailing bytes");
  if (r.failed()) return r.Error("lexical index");
  for (auto& [name, keys] : index->by_name_) std::sort(keys.begin(), keys.end());
  return index;
}

std::size_t LexicalIndex::size() const {
  std::shared_lock lock(mu_);
  return docs_.size();
}

}  // namespace onyx::index
