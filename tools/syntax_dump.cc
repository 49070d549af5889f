// Shows what Onyx reads in a file, for writing and debugging the extraction
// queries in src/onyx/ingest/languages/.
//
//   syntax_dump LANGUAGE FILE          the tree-sitter syntax tree (S-expression)
//   syntax_dump --definitions LANGUAGE FILE
//   syntax_dump --facts LANGUAGE FILE  imports and references
#include <tree_sitter/api.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "onyx/ingest/definition_extractor.h"
#include "onyx/ingest/fact_extractor.h"
#include "onyx/ingest/source_parser.h"

namespace {

const char* KindName(onyx::ingest::ReferenceKind kind) {
  switch (kind) {
    case onyx::ingest::ReferenceKind::kCall: return "call";
    case onyx::ingest::ReferenceKind::kType: return "type";
    case onyx::ingest::ReferenceKind::kInherit: return "inherit";
    case onyx::ingest::ReferenceKind::kImplement: return "implement";
    case onyx::ingest::ReferenceKind::kMention: return "mention";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode;
  int first = 1;
  if (argc == 4) {
    mode = argv[1];
    first = 2;
  }
  if (argc - first != 2 || (!mode.empty() && mode != "--facts" && mode != "--definitions")) {
    std::fprintf(stderr, "usage: syntax_dump [--facts|--definitions] LANGUAGE FILE\n");
    return 2;
  }
  const std::string language = argv[first];
  const std::string path = argv[first + 1];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "syntax_dump: cannot read %s\n", path.c_str());
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto tree = onyx::ingest::ParseSource(language, text.str());
  if (!tree.ok()) {
    std::fprintf(stderr, "syntax_dump: %s\n", tree.status().ToString().c_str());
    return 1;
  }
  if (mode == "--definitions") {
    auto defs = onyx::ingest::ExtractDefinitions(path, *tree);
    if (!defs.ok()) {
      std::fprintf(stderr, "syntax_dump: %s\n", defs.status().ToString().c_str());
      return 1;
    }
    for (const auto& d : *defs) {
      std::printf("%-9s %s  (line %u)\n", std::string(onyx::NodeKindName(d.node.kind)).c_str(),
                  d.node.qualified_name.c_str(), d.node.span.start_line);
    }
    return 0;
  }
  if (mode == "--facts") {
    auto facts = onyx::ingest::ExtractFacts(*tree);
    if (!facts.ok()) {
      std::fprintf(stderr, "syntax_dump: %s\n", facts.status().ToString().c_str());
      return 1;
    }
    for (const auto& i : facts->imports) {
      std::printf("import    module=%s name=%s alias=%s%s  (line %u)\n", i.module.c_str(),
                  i.name.c_str(), i.alias.c_str(), i.reexport ? " reexport" : "",
                  i.span.start_line);
    }
    for (const auto& r : facts->references) {
      std::printf("%-9s %s%s%s%s%s  (line %u)\n", KindName(r.kind), r.qualifier.c_str(),
                  r.qualifier.empty() ? "" : " . ", r.name.c_str(),
                  r.subject.empty() ? "" : " for ", r.subject.c_str(), r.span.start_line);
    }
    return 0;
  }
  char* sexp = ts_node_string(ts_tree_root_node(tree->tree()));
  std::printf("%s\n", sexp);
  std::free(sexp);
  return 0;
}
