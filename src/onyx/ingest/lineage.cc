// Renamed definitions, matched by their text.
#include "onyx/ingest/lineage.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace onyx::ingest {
namespace {

bool IdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// The span's text, or nullopt when the span does not fit the file.
std::optional<std::string_view> SpanText(std::string_view file, const Span& span) {
  if (span.start_byte > span.end_byte || span.end_byte > file.size()) return std::nullopt;
  return file.substr(span.start_byte, span.end_byte - span.start_byte);
}

}  // namespace

std::string ReplaceIdentifier(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (std::size_t found = text.find(from); found != std::string_view::npos;
       found = text.find(from, found + 1)) {
    const std::size_t end = found + from.size();
    const bool whole = (found == 0 || !IdentifierChar(text[found - 1])) &&
                       (end == text.size() || !IdentifierChar(text[end]));
    if (!whole || found < at) continue;
    out.append(text.substr(at, found - at));
    out.append(to);
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

Status MarkRenamedDefinitions(const std::vector<Node>& old_definitions,
                              const std::function<Result<std::string>()>& old_text,
                              std::string_view new_text, std::vector<Definition>& definitions) {
  const std::string attribute(kPreviousIdAttribute);
  std::unordered_set<NodeId> now;
  std::unordered_set<NodeId> continued;
  for (const Definition& d : definitions) {
    now.insert(d.node.id);
    const auto previous = d.node.attributes.find(attribute);
    if (previous != d.node.attributes.end()) {
      if (const auto id = ParseNodeId(previous->second)) continued.insert(*id);
    }
  }
  std::vector<const Node*> gone;
  for (const Node& n : old_definitions) {
    if (now.count(n.id) == 0 && continued.count(n.id) == 0) gone.push_back(&n);
  }
  std::unordered_set<NodeId> before;
  for (const Node& n : old_definitions) before.insert(n.id);
  std::vector<Definition*> added;
  for (Definition& d : definitions) {
    if (before.count(d.node.id) == 0 && d.node.attributes.count(attribute) == 0) {
      added.push_back(&d);
    }
  }
  if (gone.empty() || added.empty() || gone.size() * added.size() > 10'000) return Status::Ok();
  auto loaded = old_text();
  if (!loaded.ok()) return loaded.status().IsNotFound() ? Status::Ok() : loaded.status();
  const std::string& before_text = *loaded;
  std::vector<bool> taken(gone.size(), false);
  for (Definition* d : added) {
    const auto text = SpanText(new_text, d->node.span);
    if (!text) continue;
    for (std::size_t g = 0; g < gone.size(); ++g) {
      const Node& old = *gone[g];
      if (taken[g] || old.kind != d->node.kind) continue;
      const auto was = SpanText(before_text, old.span);
      if (!was) continue;
      const bool same = old.name == d->node.name
                            ? *was == *text
                            : ReplaceIdentifier(*was, old.name, d->node.name) == *text;
      if (!same) continue;
      taken[g] = true;
      d->node.attributes[attribute] = FormatNodeId(old.id);
      break;
    }
  }
  // Containers edited as well as renamed (a class that gained a method): one
  // whose members mostly continue those of a gone container of its kind (at
  // least half of the larger set) continues it.
  std::unordered_map<std::size_t, std::vector<NodeId>> continued_members;  // index → old ids
  for (const Definition& d : definitions) {
    if (!d.parent) continue;
    const auto previous = d.node.attributes.find(attribute);
    std::vector<NodeId>& members = continued_members[*d.parent];
    if (previous == d.node.attributes.end()) {
      members.push_back(0);  // a member that continues nothing
    } else if (const auto id = ParseNodeId(previous->second)) {
      members.push_back(*id);
    }
  }
  // A gone container's direct members: its qualified name, a separator
  // ("." or "::"), then the member's name.
  const auto direct_member = [](const Node& member, const Node& container) {
    const std::string& q = member.qualified_name;
    const std::string& c = container.qualified_name;
    if (member.path != container.path || q.size() <= c.size() + member.name.size() ||
        !q.starts_with(c) || !q.ends_with(member.name)) {
      return false;
    }
    const std::string_view sep(q.data() + c.size(), q.size() - c.size() - member.name.size());
    return sep.size() <= 2 && std::none_of(sep.begin(), sep.end(), IdentifierChar);
  };
  std::vector<std::optional<std::unordered_set<NodeId>>> gone_members(gone.size());
  for (Definition* d : added) {
    if (d->node.attributes.count(attribute) != 0) continue;
    const std::size_t index = static_cast<std::size_t>(d - definitions.data());
    const auto members = continued_members.find(index);
    if (members == continued_members.end()) continue;
    for (std::size_t g = 0; g < gone.size(); ++g) {
      const Node& old = *gone[g];
      if (taken[g] || old.kind != d->node.kind) continue;
      if (!gone_members[g]) {
        gone_members[g].emplace();
        for (const Node& n : old_definitions) {
          if (direct_member(n, old)) gone_members[g]->insert(n.id);
        }
      }
      const std::unordered_set<NodeId>& old_ids = *gone_members[g];
      std::size_t common = 0;
      for (const NodeId id : members->second) common += old_ids.count(id);
      if (common == 0 || 2 * common < std::max(old_ids.size(), members->second.size())) continue;
      taken[g] = true;
      d->node.attributes[attribute] = FormatNodeId(old.id);
      break;
    }
  }
  return Status::Ok();
}

}  // namespace onyx::ingest
