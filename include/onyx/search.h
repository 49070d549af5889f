// Search over a project's code graph: modes, filters, and what a hit says.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/query.h"
#include "onyx/types.h"

namespace onyx {

/// hybrid (default): reciprocal-rank fusion of vector, lexical and exact-name
/// rankings; vector: embedding similarity only; lexical: BM25 only.
enum class SearchMode { kHybrid, kVector, kLexical };
std::optional<SearchMode> ParseSearchMode(std::string_view name);
std::string_view SearchModeName(SearchMode mode);

/// An optional graph prior added to each hit's score. centrality: a hit with
/// more incoming calls, references, imports, inherits and implements edges (as
/// of the search's revision) is lifted, by up to a quarter of the best hit's
/// score for the most-depended-on candidate (log-scaled in-degree).
enum class SearchPrior { kNone, kCentrality };
std::optional<SearchPrior> ParseSearchPrior(std::string_view name);

struct SearchFilters {
  std::optional<NodeKind> kind;
  std::string language;     ///< "" for any.
  std::string path_prefix;  ///< "" for any.
};

struct SearchOptions {
  std::size_t k = 10;                   ///< 1..1000
  std::optional<RevisionNumber> as_of;  ///< Default: the latest revision.
  SearchMode mode = SearchMode::kHybrid;
  SearchFilters filters;
  SearchPrior prior = SearchPrior::kNone;
  /// Bringing the index up to date is never cut short; once the time is
  /// spent, the ranking steps not yet begun are skipped (the first ranking
  /// always runs) and the results are marked partial.
  TimeLimit time;
};

struct SearchHit {
  NodeId id = 0;
  NodeKind kind = NodeKind::kFunction;
  std::string name;
  std::string qualified_name;
  std::string language;
  std::string path;
  Span span;
  Validity validity;  ///< Of the version that matched.
  float score = 0;    ///< Fused score; higher is better.
  /// Why it ranked: "vector_rank", "vector_similarity", "lexical_rank",
  /// "lexical_score", "exact_name" (1 when the name equals the query); with
  /// the centrality prior, "in_degree" and "prior" (what it added).
  std::map<std::string, float> parts;
  std::string snippet;  ///< The first lines of its source.
};

struct SearchResults {
  RevisionNumber revision = 0;  ///< The revision the hits were valid at.
  std::string model;            ///< The embedder's model id.
  std::vector<SearchHit> hits;
  /// The time ran out (or the search was cancelled): a ranking or the prior
  /// was skipped.
  bool partial = false;
  QueryPlan plan;
};

}  // namespace onyx
