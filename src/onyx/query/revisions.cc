// Revision specs.
#include "onyx/query/revisions.h"

#include <charconv>
#include <string>

#include "onyx/core/clock.h"

namespace onyx::query {
namespace {

bool AllOf(std::string_view s, std::string_view chars) {
  return !s.empty() && s.find_first_not_of(chars) == std::string_view::npos;
}

std::optional<std::uint64_t> Number(std::string_view s) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

Status OutOfRange(std::string_view spec, RevisionNumber latest) {
  return Status::InvalidArgument("revision '" + std::string(spec) + "' is not in 1.." +
                                 std::to_string(latest));
}

}  // namespace

Result<RevisionNumber> ResolveRevision(const store::ReadView& view, std::string_view spec) {
  const RevisionNumber latest = view.latest();
  if (spec.empty() || spec.size() > 64) {
    return Status::InvalidArgument("revision: empty or longer than 64 characters");
  }
  if (spec == "HEAD" || spec == "latest") {
    if (latest == 0) return Status::NotFound("revision: the project has no revision yet");
    return latest;
  }
  if (spec.starts_with("HEAD~")) {
    const auto back = Number(spec.substr(5));
    if (!back || *back >= latest) return OutOfRange(spec, latest);
    return latest - *back;
  }
  // Short all-digit specs are revision numbers; longer ones may be commit ids.
  if (AllOf(spec, "0123456789") && spec.size() < 7) {
    const auto n = Number(spec);
    if (!n || *n == 0 || *n > latest) return OutOfRange(spec, latest);
    return *n;
  }
  if (AllOf(spec, "0123456789abcdef") && spec.size() >= 4 && spec.size() <= 40) {
    ONYX_ASSIGN_OR_RETURN(const std::vector<Revision> revisions, view.Revisions());
    RevisionNumber found = 0;
    for (const Revision& r : revisions) {
      if (!r.info.commit.starts_with(spec)) continue;
      if (found != 0) {
        return Status::InvalidArgument("revision: commit prefix '" + std::string(spec) +
                                       "' is ambiguous (revisions " + std::to_string(found) +
                                       " and " + std::to_string(r.number) + ")");
      }
      found = r.number;
    }
    if (found != 0) return found;
    if (!AllOf(spec, "0123456789")) {
      return Status::InvalidArgument("revision: no ingested commit starts with '" +
                                     std::string(spec) + "'");
    }
  }
  if (const auto when = core::ParseTimeMicros(spec)) {
    // A date alone means the end of that day.
    const std::int64_t until =
        spec.size() == 10 ? *when + std::int64_t{86'400} * 1'000'000 - 1 : *when;
    ONYX_ASSIGN_OR_RETURN(const std::vector<Revision> revisions, view.Revisions());
    RevisionNumber found = 0;
    for (const Revision& r : revisions) {
      if (r.info.time_micros <= until) found = r.number;
    }
    if (found == 0) {
      return Status::NotFound("revision: none at or before " + std::string(spec));
    }
    return found;
  }
  return Status::InvalidArgument("revision: '" + std::string(spec) +
                                 "' is not a number, HEAD~N, commit id or date (2026-01-31)");
}

Result<GraphStats> StatsAt(const store::ReadView& view) {
  const RevisionNumber rev = view.revision();
  GraphStats stats;
  stats.latest_revision = rev;
  stats.revisions = rev;
  ONYX_RETURN_IF_ERROR(view.ForEachNodeVersion([&](Node& n) {
    if (n.validity.from <= rev) ++stats.node_versions;
    if (n.validity.Contains(rev)) ++stats.nodes_by_kind[n.kind];
    return true;
  }));
  ONYX_RETURN_IF_ERROR(view.ForEachEdgeVersion([&](const Edge& e) {
    if (e.validity.from <= rev) ++stats.edge_versions;
    if (e.validity.Contains(rev)) ++stats.edges_by_kind[e.kind];
    return true;
  }));
  return stats;
}

}  // namespace onyx::query
