// Search by meaning and by words over a project's code graph, as of any
// revision: every version of every definition and doc section is a document of
// a vector index (an embedder's vectors, HNSW) and a BM25 index, filtered at
// query time by the revision it was valid at, kind, language and path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onyx/embed/embedder.h"
#include "onyx/index/lexical_index.h"
#include "onyx/index/vector_index.h"
#include "onyx/search.h"
#include "onyx/status.h"
#include "onyx/store/read_view.h"
#include "onyx/types.h"

namespace onyx::index {

class CodeSearch {
 public:
  /// Indexes every version of every definition and doc section of `view`'s
  /// project, reading source text from the file blobs. `threads` embed and
  /// insert in parallel (0: one per core).
  static Result<std::unique_ptr<CodeSearch>> Build(const store::ReadView& view,
                                                   const embed::Embedder& embedder,
                                                   const VectorIndexOptions& options = {},
                                                   int threads = 0);

  /// Brings an index built or loaded at an earlier revision up to `view`'s
  /// latest: versions that began since are added, versions that ended since get
  /// their end. InvalidArgument for another project's view.
  Status CatchUp(const store::ReadView& view, int threads = 0);

  /// Writes the index to `path` atomically (temporary file, fsync, rename,
  /// fsync of the folder), stamped with the revision it covers.
  Status Save(const std::string& path) const;
  /// Reads what Save wrote. NotFound when there is no file; Corruption when
  /// the file is damaged (checksum), or was written for another project, model
  /// or dimension count: the caller rebuilds.
  static Result<std::unique_ptr<CodeSearch>> Load(const std::string& path, ProjectId project,
                                                  const embed::Embedder& embedder,
                                                  const VectorIndexOptions& options = {});

  /// How a search ran, for the caller that asks (explain, time limits).
  struct Trace {
    /// Once expired, rankings not yet begun are skipped (the first always
    /// runs) and `partial` is set.
    const Deadline* deadline = nullptr;
    QueryPlan* plan = nullptr;  ///< Gets each ranking's time and hits.
    bool partial = false;
  };

  /// The `k` best versions valid at `as_of` that pass `filters`. Hybrid fuses
  /// the vector, lexical and exact-name rankings by reciprocal rank (k = 60).
  /// InvalidArgument for an empty query or k over 1000.
  Result<std::vector<SearchHit>> Search(std::string_view text, std::size_t k,
                                        const SearchFilters& filters, RevisionNumber as_of,
                                        SearchMode mode = SearchMode::kHybrid,
                                        Trace* trace = nullptr) const;

  std::size_t documents() const { return docs_.size(); }
  ProjectId project() const { return project_; }
  RevisionNumber revision() const { return revision_; }
  std::string_view model_id() const { return model_id_; }

 private:
  struct Doc {
    NodeId id;
    NodeKind kind;
    std::string name;
    std::string qualified_name;
    std::string language;
    std::string path;
    Span span;
    Validity validity;
    std::string snippet;
    std::uint64_t text_hash = 0;  ///< Of the text embedded (xxh3).
  };
  explicit CodeSearch(const embed::Embedder& embedder) : embedder_(embedder) {}
  bool Passes(std::uint64_t key, const SearchFilters& filters, RevisionNumber as_of) const;
  // Adds one document per version: text from the version and its file's source.
  Status AddDocuments(const store::ReadView& view, std::vector<Node> versions, int threads);

  const embed::Embedder& embedder_;
  ProjectId project_ = 0;
  std::string model_id_;
  RevisionNumber revision_ = 0;
  std::vector<Doc> docs_;
  // A document key for each text embedded: a version whose text is one
  // already embedded (a function that only moved) takes that vector.
  std::unordered_map<std::uint64_t, std::uint64_t> by_text_;
  std::unique_ptr<VectorIndex> vectors_;
  std::unique_ptr<LexicalIndex> lexical_;
};

}  // namespace onyx::index
