// BM25 scoring.
#include "onyx/index/lexical_index.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

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

std::size_t LexicalIndex::size() const {
  std::shared_lock lock(mu_);
  return docs_.size();
}

}  // namespace onyx::index
