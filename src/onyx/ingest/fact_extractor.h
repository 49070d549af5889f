// Finds what a parsed file imports and which names it uses, driven by the
// language's facts query (languages/), for the resolver to turn into edges.
#pragma once

#include <string_view>
#include <vector>

#include "onyx/ingest/file_facts.h"
#include "onyx/ingest/source_parser.h"
#include "onyx/status.h"

namespace onyx::ingest {

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
