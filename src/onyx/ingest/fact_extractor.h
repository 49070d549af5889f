// Finds what a parsed file imports and which names it uses, driven by the
// language's facts query (languages/), for the resolver to turn into edges.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "onyx/ingest/file_facts.h"
#include "onyx/ingest/source_parser.h"
#include "onyx/status.h"

namespace onyx::ingest {

/// Gathers the matches of a language's facts patterns over one tree into its
/// imports and references (the rules of ExtractFacts). ExtractFile feeds it
/// from the one query that also finds the file's definitions.
class FactCollector {
 public:
  /// `tree` must outlive the collector.
  explicit FactCollector(const SyntaxTree& tree);
  FactCollector(const FactCollector&) = delete;
  FactCollector& operator=(const FactCollector&) = delete;
  ~FactCollector();

  /// One match of a facts pattern, in the order the query gives them.
  void Add(const QueryMatch& match);
  /// The facts; call once.
  FileFacts Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Extracts the imports and references of `tree`. Rules:
///  - an import binds one name per fact (`from m import a, b` gives two);
///  - a reference's qualifier is kept only when it is a plain path of
///    identifiers ("self", "pricing", "os.path", "crate::util"); any other
///    expression (a call, an index) becomes "?", an unknown receiver;
///  - references are in document order, without duplicates.
/// NotFound when the language has no spec; DeadlineExceeded past the time limit.
Result<FileFacts> ExtractFacts(const SyntaxTree& tree, const QueryLimits& limits = {});

/// Parses a Rust use tree ("crate::a::{b, c::D as E, f::*}") into one import
/// per binding; exposed for tests.
std::vector<ImportFact> ParseRustUseTree(std::string_view tree);

}  // namespace onyx::ingest
