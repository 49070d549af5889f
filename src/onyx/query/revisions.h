// Naming a revision the way users do: its number, a git commit id (or a prefix
// of one), HEAD~N, or a date.
#pragma once

#include <string_view>

#include "onyx/status.h"
#include "onyx/store/read_view.h"
#include "onyx/types.h"

namespace onyx::query {

/// The revision `spec` names, among the view's revisions (up to latest()):
///   "12"                    revision 12;
///   "HEAD", "HEAD~3"        the latest revision, or three before it;
///   "3f2a9c1" (4–40 hex)    the revision of the git commit with that id prefix;
///   "2026-11-24[T12:00:00]" the newest revision committed at or before then
///                           (its commit time for git revisions).
/// InvalidArgument for a spec that names nothing, or a commit prefix shared by
/// several revisions; NotFound for a date before the first revision.
Result<RevisionNumber> ResolveRevision(const store::ReadView& view, std::string_view spec);

/// The counts of GraphStats as of the view's revision: nodes and edges valid
/// then, versions begun by then, revisions up to it. One scan of every
/// version (the store keeps live counts for the latest revision only).
Result<GraphStats> StatsAt(const store::ReadView& view);

}  // namespace onyx::query
