// Query predicates and directives (tree-sitter leaves them to the embedder), and
// the query runner that applies them.
#include "onyx/ingest/query_predicates.h"

#include <re2/re2.h>
#include <tree_sitter/api.h>

#include <algorithm>
#include <chrono>

namespace onyx::ingest {
namespace {

using Clock = std::chrono::steady_clock;

struct Arg {
  bool is_capture = false;
  std::uint32_t capture = 0;
  std::string text;
};

// Queries write Rust's regex syntax (what tree-sitter's own tools run), which
// RE2 reads, inline flags such as (?i) included.
Result<std::shared_ptr<const re2::RE2>> CompileRegex(const std::string& pattern,
                                                     std::string_view context) {
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_shared<const re2::RE2>(pattern, options);
  if (!regex->ok()) {
    return Status::InvalidArgument(std::string(context) + ": regex \"" + pattern.substr(0, 200) +
                                   "\" does not compile: " + regex->error());
  }
  return regex;
}

Result<Predicate> CompileOne(const std::string& name, const std::vector<Arg>& args,
                             const std::string& context) {
  Predicate p;
  auto need = [&](std::size_t min, bool first_capture) -> Status {
    if (args.size() < min || (first_capture && !args[0].is_capture)) {
      return Status::InvalidArgument(context + ": #" + name + " needs a capture and " +
                                     std::to_string(min - 1) + " more argument(s)");
    }
    return Status::Ok();
  };
  if (name == "eq?" || name == "not-eq?") {
    ONYX_RETURN_IF_ERROR(need(2, true));
    p.op = Predicate::Op::kEq;
    p.negated = name == "not-eq?";
    p.capture = args[0].capture;
    if (args[1].is_capture) {
      p.other = args[1].capture;
    } else {
      p.strings.push_back(args[1].text);
    }
  } else if (name == "match?" || name == "not-match?" || name == "strip!") {
    ONYX_RETURN_IF_ERROR(need(2, true));
    if (args[1].is_capture)
      return Status::InvalidArgument(context + ": #" + name + " needs a regex");
    p.op = name == "strip!" ? Predicate::Op::kStrip : Predicate::Op::kMatch;
    p.negated = name == "not-match?";
    p.capture = args[0].capture;
    ONYX_ASSIGN_OR_RETURN(p.regex, CompileRegex(args[1].text, context));
  } else if (name == "any-of?" || name == "not-any-of?") {
    ONYX_RETURN_IF_ERROR(need(2, true));
    p.op = Predicate::Op::kAnyOf;
    p.negated = name == "not-any-of?";
    p.capture = args[0].capture;
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (args[i].is_capture)
        return Status::InvalidArgument(context + ": #" + name + " takes strings");
      p.strings.push_back(args[i].text);
    }
  } else if (name == "select-adjacent!" || name == "set-adjacent!") {
    ONYX_RETURN_IF_ERROR(need(2, true));
    if (!args[1].is_capture)
      return Status::InvalidArgument(context + ": #" + name + " takes two captures");
    p.op = Predicate::Op::kSelectAdjacent;
    p.capture = args[0].capture;
    p.other = args[1].capture;
  } else if (name == "set!" || name == "is?" || name == "is-not?") {
    p.op = Predicate::Op::kIgnored;  // properties: no effect on matching here
  } else {
    return Status::InvalidArgument(context + ": unknown predicate #" + name);
  }
  return p;
}

// Removes the regex's matches from every line of `text`.
std::string StripLines(std::string_view text, const re2::RE2& regex) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    std::string line(
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (!out.empty() || start > 0) out += '\n';
    RE2::GlobalReplace(&line, regex, "");
    out += line;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

bool PassesFilter(const Predicate& p, const std::vector<CapturedNode>& captures) {
  std::vector<const CapturedNode*> nodes;
  const CapturedNode* other = nullptr;
  for (const CapturedNode& c : captures) {
    if (c.capture == p.capture) nodes.push_back(&c);
    if (p.other && c.capture == *p.other && other == nullptr) other = &c;
  }
  for (const CapturedNode* n : nodes) {
    bool ok = true;
    switch (p.op) {
      case Predicate::Op::kEq:
        ok = p.other ? (other != nullptr && n->text == other->text) : n->text == p.strings[0];
        break;
      case Predicate::Op::kMatch:
        ok = RE2::PartialMatch(re2::StringPiece(n->text.data(), n->text.size()), *p.regex);
        break;
      case Predicate::Op::kAnyOf:
        ok = std::find(p.strings.begin(), p.strings.end(), n->text) != p.strings.end();
        break;
      default: break;
    }
    if (ok == p.negated) return false;
  }
  return true;
}

void ApplyDirective(const Predicate& p, QueryMatch& match) {
  std::vector<CapturedNode>& captures = match.captures;
  if (p.op == Predicate::Op::kStrip) {
    for (CapturedNode& c : captures) {
      if (c.capture != p.capture) continue;
      c.text = match.rewritten.emplace_back(StripLines(c.text, *p.regex));
    }
    return;
  }
  if (p.op != Predicate::Op::kSelectAdjacent) return;
  const CapturedNode* anchor = nullptr;
  for (const CapturedNode& c : captures) {
    if (c.capture == *p.other) {
      anchor = &c;
      break;
    }
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < captures.size(); ++i) {
    if (captures[i].capture == p.capture) candidates.push_back(i);
  }
  std::vector<bool> keep(captures.size(), true);
  for (std::size_t i : candidates) keep[i] = false;
  if (anchor != nullptr) {
    // Walk back from the anchor: keep nodes while each ends on the line before
    // (or the line of) the next one's start.
    std::uint32_t next_start = anchor->span.start_line;
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
      const CapturedNode& c = captures[*it];
      if (c.span.start_line >= anchor->span.start_line) continue;
      if (c.span.end_line + 1 < next_start) break;
      keep[*it] = true;
      next_start = c.span.start_line;
    }
  }
  std::vector<CapturedNode> kept;
  for (std::size_t i = 0; i < captures.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(captures[i]));
  }
  captures = std::move(kept);
}

struct Deadline {
  Clock::time_point at;
  bool hit = false;
};

bool QueryPastDeadline(TSQueryCursorState* state) {
  auto* d = static_cast<Deadline*>(state->payload);
  d->hit = d->hit || Clock::now() >= d->at;
  return d->hit;
}

}  // namespace

Result<std::unique_ptr<QueryPredicates>> CompilePredicates(const TSQuery* query,
                                                           std::string_view language) {
  auto out = std::make_unique<QueryPredicates>();
  const std::uint32_t patterns = ts_query_pattern_count(query);
  out->by_pattern.resize(patterns);
  for (std::uint32_t pattern = 0; pattern < patterns; ++pattern) {
    std::uint32_t count = 0;
    const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(query, pattern, &count);
    std::string name;
    std::vector<Arg> args;
    bool have_name = false;
    for (std::uint32_t i = 0; i < count; ++i) {
      const TSQueryPredicateStep& step = steps[i];
      std::uint32_t length = 0;
      if (step.type == TSQueryPredicateStepTypeDone) {
        const std::string context =
            "query for " + std::string(language) + ", pattern " + std::to_string(pattern + 1);
        ONYX_ASSIGN_OR_RETURN(Predicate p, CompileOne(name, args, context));
        out->by_pattern[pattern].push_back(std::move(p));
        name.clear();
        args.clear();
        have_name = false;
      } else if (!have_name) {
        if (step.type != TSQueryPredicateStepTypeString) {
          return Status::InvalidArgument("query for " + std::string(language) +
                                         ": a predicate must start with its name");
        }
        name = ts_query_string_value_for_id(query, step.value_id, &length);
        have_name = true;
      } else if (step.type == TSQueryPredicateStepTypeCapture) {
        args.push_back(Arg{true, step.value_id, {}});
      } else {
        const char* s = ts_query_string_value_for_id(query, step.value_id, &length);
        args.push_back(Arg{false, 0, std::string(s, length)});
      }
    }
  }
  return out;
}

const CapturedNode* QueryMatch::First(std::string_view name) const {
  for (const CapturedNode& c : captures) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<const CapturedNode*> QueryMatch::All(std::string_view name) const {
  std::vector<const CapturedNode*> out;
  for (const CapturedNode& c : captures) {
    if (c.name == name) out.push_back(&c);
  }
  return out;
}

Status RunQuery(const SourceQuery& query, const SyntaxTree& tree, const QueryLimits& limits,
                const std::function<bool(const QueryMatch&)>& fn) {
  if (query.language() != tree.language()) {
    return Status::InvalidArgument("query for " + std::string(query.language()) +
                                   " cannot run on a " + std::string(tree.language()) + " tree");
  }
  TSQueryCursor* cursor = ts_query_cursor_new();
  struct Free {
    TSQueryCursor* c;
    ~Free() { ts_query_cursor_delete(c); }
  } free_cursor{cursor};
  ts_query_cursor_set_match_limit(cursor, limits.match_limit);
  Deadline deadline{Clock::now() + limits.time_limit};
  TSQueryCursorOptions options{};
  options.payload = &deadline;
  options.progress_callback = QueryPastDeadline;
  ts_query_cursor_exec_with_options(cursor, query.query(), ts_tree_root_node(tree.tree()),
                                    &options);

  const std::string_view text = tree.text();
  const QueryPredicates& predicates = query.predicates();
  TSQueryMatch raw;
  QueryMatch match;
  while (ts_query_cursor_next_match(cursor, &raw)) {
    match.pattern = raw.pattern_index;
    match.captures.clear();
    match.rewritten.clear();
    for (std::uint16_t i = 0; i < raw.capture_count; ++i) {
      const TSQueryCapture& c = raw.captures[i];
      CapturedNode node;
      node.capture = c.index;
      node.name = query.capture_name(c.index);
      node.type = ts_node_type(c.node);
      const std::uint32_t start = ts_node_start_byte(c.node);
      const std::uint32_t end = ts_node_end_byte(c.node);
      node.text = text.substr(start, end - start);
      // end_line is the last line holding a byte of the node: a node that ends
      // with its newline (a line comment) ends at column 0 of the next row.
      const TSPoint end_point = ts_node_end_point(c.node);
      const std::uint32_t end_line =
          end_point.column == 0 && end > start ? end_point.row : end_point.row + 1;
      node.span = Span{start, end, ts_node_start_point(c.node).row + 1, end_line};
      match.captures.push_back(std::move(node));
    }
    const auto& pattern = predicates.by_pattern[raw.pattern_index];
    const bool passes = std::all_of(pattern.begin(), pattern.end(), [&](const Predicate& p) {
      return PassesFilter(p, match.captures);
    });
    if (!passes) continue;
    for (const Predicate& p : pattern) ApplyDirective(p, match);
    if (!fn(match)) return Status::Ok();
  }
  if (deadline.hit) {
    return Status::DeadlineExceeded("query over " + std::string(tree.language()) +
                                    " tree took longer than " +
                                    std::to_string(limits.time_limit.count()) + " ms");
  }
  return Status::Ok();
}

}  // namespace onyx::ingest
