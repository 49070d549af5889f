// make_fuzz_seeds DIR: writes valid encodings of every decoded format into
// DIR/<target>/ as the fuzzers' seed corpus (fuzz/corpus is its output).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "onyx/index/vector_index.h"
#include "onyx/ingest/file_facts.h"
#include "onyx/store/keys.h"
#include "onyx/store/values.h"

namespace {

void Write(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace onyx;
  using namespace onyx::store;
  if (argc != 2) return 2;
  const std::filesystem::path root = argv[1];

  Node fn;
  fn.kind = NodeKind::kFunction;
  fn.name = "parse";
  fn.qualified_name = "crate::parser::parse";
  fn.language = "rust";
  fn.path = "src/parser.rs";
  fn.span = {120, 480, 10, 31};
  fn.signature = "fn parse(input: &str) -> Result<Ast>";
  fn.doc = "Parses the input.";
  fn.content_hash = HashContent("fn parse");
  fn.attributes = {{"visibility", "pub"}, {"async", "false"}};
  Write(root / "node_version", "open", EncodeNodeVersion(fn, {3, kOpenRevision}));
  Write(root / "node_version", "closed", EncodeNodeVersion(fn, {3, 9}));
  Write(root / "node_version", "current", EncodeCurrentNode(fn, 3));
  Node file;
  file.kind = NodeKind::kFile;
  file.path = "README.md";
  Write(root / "node_version", "minimal", EncodeNodeVersion(file, {3, kOpenRevision}));

  Edge call;
  call.confidence = 0.75F;
  call.resolution = Resolution::kImport;
  call.site = Span{200, 212, 14, 14};
  call.attributes = {{"alias", "p"}};
  Write(root / "edge_value", "open_with_site", EncodeEdgeValue(call, kOpenRevision));
  Edge contains;
  Write(root / "edge_value", "closed", EncodeEdgeValue(contains, 12));

  Revision rev;
  rev.number = 9;
  rev.parent = 8;
  rev.info = {RevisionSource::kGit, "0123456789abcdef0123456789abcdef01234567", "Ada <ada@x>",
              "Add parser\n\nLonger body.", 1'700'000'000'000'000};
  rev.committed_micros = 1'700'000'000'000'001;
  rev.changes = {3, 1, 0, 5, 0, 2};
  Write(root / "meta_record", "revision", std::string(1, '\0') + EncodeRevision(rev));
  Write(root / "meta_record", "project",
        std::string(1, '\1') + EncodeProject({7, "demo", 1'700'000'000'000'000}));
  GraphStats stats;
  stats.latest_revision = 9;
  stats.revisions = 9;
  stats.nodes_by_kind = {{NodeKind::kFile, 4}, {NodeKind::kFunction, 12}};
  stats.edges_by_kind = {{EdgeKind::kCalls, 30}, {EdgeKind::kContains, 16}};
  stats.node_versions = 40;
  stats.edge_versions = 50;
  Write(root / "meta_record", "stats", std::string(1, '\2') + EncodeGraphStats(stats));
  Write(root / "meta_record", "counter", std::string(1, '\3') + EncodeCounter(300));

  Write(root / "key", "node", NodeKey(7, 0x1122334455667788ULL));
  Write(root / "key", "node_version", NodeVersionKey(7, 0x1122334455667788ULL, 9));
  Write(root / "key", "edge", EdgeKey(7, 1, EdgeKind::kCalls, 2, 9));
  Write(root / "key", "name", TextIndexKey(7, "parse", 5));
  Write(root / "key", "revision", RevisionKey(7, 9));

  Write(root / "blob", "fuzz", EncodeBlob("fuzz"));
  Write(root / "blob", "empty", EncodeBlob(""));
  Write(root / "blob", "text", EncodeBlob(std::string(300, 'x') + "fn main() {}\n"));

  ingest::FileFacts facts;
  facts.imports.push_back({"crate::shapes", "Area", "", false, {0, 24, 1, 1}});
  facts.imports.push_back({"./util", "*", "", true, {25, 50, 2, 2}});
  facts.imports.push_back({"pkg.mod", "helper", "h", false, {51, 80, 3, 3}});
  facts.references.push_back({ingest::ReferenceKind::kCall, "new", "Circle", "", {90, 93, 5, 5}});
  facts.references.push_back(
      {ingest::ReferenceKind::kImplement, "Area", "", "Circle", {100, 104, 7, 7}});
  facts.references.push_back({ingest::ReferenceKind::kMention, "total", "Cart", "", {0, 9, 1, 1}});
  Write(root / "facts", "three_of_each", ingest::EncodeFileFacts(facts));
  Write(root / "facts", "empty", ingest::EncodeFileFacts({}));

  // A small vector index (8 dimensions, M=4, as the fuzzer opens it) with two
  // removals, and an empty one.
  const index::VectorIndexOptions vector_options{8, 4, 16, 16};
  auto vectors = index::VectorIndex::Create(vector_options);
  if (!vectors.ok()) return 1;
  Write(root / "vector_snapshot", "empty", *(*vectors)->Serialize());
  for (std::uint64_t key = 0; key < 40; ++key) {
    float v[8];
    float norm = 0;
    for (std::size_t d = 0; d < 8; ++d) {
      v[d] = static_cast<float>((key * 7 + d * 3) % 11) - 5.0F;
      norm += v[d] * v[d];
    }
    for (float& x : v) x /= std::sqrt(norm);
    if (!(*vectors)->Add(key, v).ok()) return 1;
  }
  if (!(*vectors)->Remove(3).ok() || !(*vectors)->Remove(17).ok()) return 1;
  Write(root / "vector_snapshot", "small", *(*vectors)->Serialize());
  return 0;
}
