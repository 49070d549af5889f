#include "onyx/query/notes.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>
#include <set>
#include <unordered_map>

namespace onyx {

std::string_view NoteLinkStateName(NoteLink::State state) {
  switch (state) {
    case NoteLink::State::kUnchanged: return "unchanged";
    case NoteLink::State::kChanged: return "changed";
    case NoteLink::State::kRemoved: return "removed";
  }
  return "unchanged";
}

namespace query {
namespace {

// Lower-case words of two or more letters or digits.
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    if (word.size() >= 2) words.push_back(word);
    word.clear();
  };
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word += static_cast<char>(std::tolower(u));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

// The note's links as written, each checked against `view`.
Result<std::vector<NoteLink>> Links(const store::ReadView& view, const Node& note) {
  ONYX_ASSIGN_OR_RETURN(const store::ReadView written, view.AsOf(note.validity.from));
  ONYX_ASSIGN_OR_RETURN(const std::vector<Edge> edges, written.OutEdges(note.id, EdgeKind::kAbout));
  std::vector<NodeId> ids;
  for (const Edge& e : edges) ids.push_back(e.dst);
  ONYX_ASSIGN_OR_RETURN(const auto now, view.GetNodes(ids));
  ONYX_ASSIGN_OR_RETURN(const auto then, written.GetNodes(ids));
  std::vector<NoteLink> links;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    NoteLink link;
    if (now[i]) {
      link.node = *now[i];
      if (link.node.validity.from > note.validity.from) {
        link.state = NoteLink::State::kChanged;
        link.changed_in = link.node.validity.from;
      }
    } else {
      if (then[i]) link.node = *then[i];
      link.node.id = ids[i];
      link.state = NoteLink::State::kRemoved;
      // Removed when its last version closed.
      ONYX_ASSIGN_OR_RETURN(const std::vector<Node> versions, view.NodeHistory(ids[i]));
      for (const Node& v : versions) {
        if (v.validity.to <= view.revision()) {
          link.changed_in = std::max(link.changed_in, v.validity.to);
        }
      }
    }
    links.push_back(std::move(link));
  }
  return links;
}

}  // namespace

Result<Node> MakeNote(const NoteRequest& request, const Node* replaced) {
  if (Words(request.text).empty()) {
    return Status::InvalidArgument("note: the text has no words");
  }
  if (request.text.size() > kMaxNoteBytes) {
    return Status::InvalidArgument("note: the text is longer than " +
                                   std::to_string(kMaxNoteBytes) + " bytes");
  }
  if (request.about.size() > kMaxNoteLinks) {
    return Status::InvalidArgument("note: at most " + std::to_string(kMaxNoteLinks) +
                                   " symbols per note");
  }
  Node note;
  note.kind = NodeKind::kNote;
  note.path = std::string(kNotesPath);
  note.doc = request.text;
  std::string title = request.title;
  if (title.empty()) title = request.text.substr(0, request.text.find('\n'));
  if (title.size() > 80) {
    std::size_t cut = 77;
    while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
    title = title.substr(0, cut) + "...";
  }
  note.name = title;
  note.attributes["author"] = request.author.substr(0, 200);
  if (replaced != nullptr) {
    note.qualified_name = replaced->qualified_name;
    note.id = replaced->id;
  } else {
    // New notes get a random name, so that two identical notes stay two.
    std::random_device random;
    const std::uint64_t r = (std::uint64_t{random()} << 32) ^ random();
    note.qualified_name = "note." + FormatNodeId(r);
    note.id = MakeNodeId("", note.path, note.qualified_name, NodeKind::kNote);
  }
  return note;
}

Result<std::vector<RecalledNote>> RecallNotes(const store::ReadView& view, std::string_view query,
                                              std::optional<NodeId> about, std::size_t k) {
  ONYX_ASSIGN_OR_RETURN(std::vector<Node> nodes, view.FindByPath(kNotesPath, 100'000));
  std::erase_if(nodes, [](const Node& n) { return n.kind != NodeKind::kNote; });
  // BM25 over the notes' titles and text.
  const std::vector<std::string> words = Words(query);
  const std::set<std::string> terms(words.begin(), words.end());
  std::vector<std::unordered_map<std::string, int>> counts(nodes.size());
  std::vector<std::size_t> lengths(nodes.size());
  std::unordered_map<std::string, int> document_frequency;
  double total_length = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::vector<std::string> note_words = Words(nodes[i].name + "\n" + nodes[i].doc);
    lengths[i] = note_words.size();
    total_length += static_cast<double>(note_words.size());
    for (const std::string& w : note_words) {
      if (terms.count(w) != 0 && counts[i][w]++ == 0) ++document_frequency[w];
    }
  }
  const double average = nodes.empty() ? 1 : std::max(1.0, total_length / nodes.size());
  const double n = static_cast<double>(nodes.size());
  std::vector<RecalledNote> found;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    double score = 0;
    for (const auto& [term, tf] : counts[i]) {
      const double df = document_frequency[term];
      const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
      const double norm = 1.2 * (0.25 + 0.75 * static_cast<double>(lengths[i]) / average);
      score += idf * tf * 2.2 / (tf + norm);
    }
    if (!terms.empty() && score == 0) continue;
    RecalledNote note;
    note.note = std::move(nodes[i]);
    note.score = score;
    found.push_back(std::move(note));
  }
  std::sort(found.begin(), found.end(), [](const RecalledNote& a, const RecalledNote& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.note.validity.from != b.note.validity.from) {
      return a.note.validity.from > b.note.validity.from;
    }
    return a.note.id < b.note.id;
  });
  std::vector<RecalledNote> out;
  for (RecalledNote& note : found) {
    if (out.size() >= k) break;
    ONYX_ASSIGN_OR_RETURN(note.about, Links(view, note.note));
    if (about && std::none_of(note.about.begin(), note.about.end(),
                              [&](const NoteLink& l) { return l.node.id == *about; })) {
      continue;
    }
    note.stale = std::any_of(note.about.begin(), note.about.end(), [](const NoteLink& l) {
      return l.state != NoteLink::State::kUnchanged;
    });
    out.push_back(std::move(note));
  }
  return out;
}

}  // namespace query
}  // namespace onyx
