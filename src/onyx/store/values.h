// Value codecs for every RocksDB column family (docs/format/values.md). Every value
// starts with a format version byte; decoders reject versions and bytes they do not
// understand with a Corruption status and never read out of bounds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "onyx/status.h"
#include "onyx/store/keys.h"
#include "onyx/types.h"

namespace onyx::store {

/// The format version byte every value written by this build starts with.
inline constexpr std::uint8_t kValueFormat = 1;

/// The schema version this build writes and the newest it can open. 2: an
/// open node version lives only in `nodes`; `node_versions` holds closed ones
/// (schema 1 kept the open one in both; such a store opens and is marked 2).
inline constexpr std::uint32_t kSchemaVersion = 2;

/// A node version: everything in Node but the id (which is in the key), plus its
/// validity. Used by both `nodes` (current versions) and `node_versions`.
std::string EncodeNodeVersion(const Node& node, const Validity& validity);
/// Decodes a node version; `id` and `from` come from the key.
Result<Node> DecodeNodeVersion(std::string_view value, NodeId id, RevisionNumber from);

/// A `nodes` value: the open version of a node, with its from-revision (which
/// node_versions keeps in its key).
std::string EncodeCurrentNode(const Node& node, RevisionNumber from);
Result<Node> DecodeCurrentNode(std::string_view value, NodeId id);

/// An edge version value (edges_out and edges_in share it): to-revision and the
/// edge's attributes. Ids, kind and from-revision are in the key.
std::string EncodeEdgeValue(const Edge& edge, RevisionNumber to);
/// Decodes an edge value into `edge` (whose src/kind/dst/validity.from the caller
/// already set from the key).
Status DecodeEdgeValue(std::string_view value, Edge* edge);

/// The edge stored under a decoded edges_out key (or edges_in key when `mirrored`,
/// whose near end is the destination) with value `value`.
Result<Edge> DecodeEdgeEntry(const DecodedEdgeKey& key, std::string_view value, bool mirrored);

std::string EncodeRevision(const Revision& revision);
Result<Revision> DecodeRevision(std::string_view value, RevisionNumber number);

std::string EncodeProject(const Project& project);
Result<Project> DecodeProject(std::string_view value, ProjectId id);

std::string EncodeGraphStats(const GraphStats& stats);
Result<GraphStats> DecodeGraphStats(std::string_view value);

/// A single unsigned counter (schema version, next project id, project id by name).
std::string EncodeCounter(std::uint64_t value);
Result<std::uint64_t> DecodeCounter(std::string_view value, std::string_view what);

/// A blob value: zstd-compressed source text with its raw size.
std::string EncodeBlob(std::string_view raw);
/// Decompresses a blob, refusing one whose raw size exceeds `max_bytes` or, when
/// `verify_hash`, whose bytes do not hash to `expected` (derived blobs are keyed
/// by what they were derived from, so their key is not their hash).
Result<std::string> DecodeBlob(std::string_view value, const ContentHash& expected,
                               std::size_t max_bytes, bool verify_hash = true);

}  // namespace onyx::store
