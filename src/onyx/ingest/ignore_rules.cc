// Gitignore matching.
#include "onyx/ingest/ignore_rules.h"

namespace onyx::ingest {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// One character class at p[i] == '['; sets `matched` and returns the index after
// the class, or npos when the class is unterminated (then '[' is literal).
std::size_t MatchClass(std::string_view p, std::size_t i, char c, bool* matched) {
  std::size_t j = i + 1;
  bool negate = false;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
    negate = true;
    ++j;
  }
  bool hit = false;
  bool first = true;
  while (j < p.size() && (first || p[j] != ']')) {
    first = false;
    char lo = p[j];
    if (lo == '\\' && j + 1 < p.size()) lo = p[++j];
    char hi = lo;
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      hi = p[j + 2];
      j += 2;
    }
    if (lo <= c && c <= hi) hit = true;
    ++j;
  }
  if (j >= p.size()) return std::string_view::npos;
  *matched = hit != negate;
  return j + 1;
}

// Matches one segment (no '/'): greedy '*' with backtracking to the last star
// only, so O(|p| * |s|) at worst.
bool SegmentMatch(std::string_view p, std::string_view s) {
  std::size_t pi = 0;
  std::size_t si = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_si = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      const char pc = p[pi];
      if (pc == '*') {
        star = pi++;
        star_si = si;
        continue;
      }
      if (pc == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (pc == '[') {
        bool matched = false;
        const std::size_t next = MatchClass(p, pi, s[si], &matched);
        if (next != std::string_view::npos) {
          if (matched) {
            pi = next;
            ++si;
            continue;
          }
        } else if (s[si] == '[') {
          ++pi;
          ++si;
          continue;
        }
      } else {
        char literal = pc;
        std::size_t width = 1;
        if (pc == '\\' && pi + 1 < p.size()) {
          literal = p[pi + 1];
          width = 2;
        }
        if (literal == s[si]) {
          pi += width;
          ++si;
          continue;
        }
      }
    }
    if (star == std::string_view::npos) return false;
    pi = star + 1;
    si = ++star_si;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  const std::vector<std::string_view> ps = Segments(pattern);
  const std::vector<std::string_view> ss = Segments(path);
  // can[i][j]: pattern segments i.. match path segments j.. (filled backwards).
  const std::size_t n = ps.size();
  const std::size_t m = ss.size();
  std::vector<std::vector<char>> can(n + 1, std::vector<char>(m + 1, 0));
  can[n][m] = 1;
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m + 1; j-- > 0;) {
      if (ps[i] == "**") {
        can[i][j] = can[i + 1][j] || (j < m && can[i][j + 1]);
      } else {
        can[i][j] = j < m && can[i + 1][j + 1] && SegmentMatch(ps[i], ss[j]);
      }
    }
  }
  return can[0][0] != 0;
}

void IgnoreRules::AddFile(std::string_view base, std::string_view text) {
  std::size_t start = 0;
  while (start < text.size() && rules_.size() < kMaxPatterns) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    AddPattern(base, text.substr(start, end - start));
    start = end + 1;
  }
}

void IgnoreRules::AddPattern(std::string_view base, std::string_view line) {
  if (rules_.size() >= kMaxPatterns) return;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Trailing spaces are dropped unless escaped.
  while (!line.empty() && line.back() == ' ' &&
         !(line.size() >= 2 && line[line.size() - 2] == '\\')) {
    line.remove_suffix(1);
  }
  if (line.empty() || line.front() == '#' || line.size() > kMaxPatternBytes) return;
  Rule rule;
  rule.base = std::string(base);
  if (line.front() == '!') {
    rule.negate = true;
    line.remove_prefix(1);
  } else if (line.size() >= 2 && line[0] == '\\' && (line[1] == '!' || line[1] == '#')) {
    line.remove_prefix(1);
  }
  if (!line.empty() && line.back() == '/') {
    rule.dir_only = true;
    line.remove_suffix(1);
  }
  rule.anchored = line.find('/') != std::string_view::npos;
  while (!line.empty() && line.front() == '/') line.remove_prefix(1);
  if (line.empty()) return;
  rule.pattern = std::string(line);
  rules_.push_back(std::move(rule));
}

bool IgnoreRules::Ignored(std::string_view path, bool is_dir, bool ignored) const {
  for (const Rule& rule : rules_) {
    if (rule.dir_only && !is_dir) continue;
    if (rule.negate != ignored) continue;  // could not change the answer
    std::string_view rel = path;
    if (!rule.base.empty()) {
      if (!(path.size() > rule.base.size() && path.starts_with(rule.base) &&
            path[rule.base.size()] == '/')) {
        continue;
      }
      rel = path.substr(rule.base.size() + 1);
    }
    bool hit = false;
    if (rule.anchored) {
      hit = GlobMatch(rule.pattern, rel);
    } else {
      const auto slash = rel.rfind('/');
      hit =
          SegmentMatch(rule.pattern, slash == std::string_view::npos ? rel : rel.substr(slash + 1));
    }
    if (hit) ignored = !rule.negate;
  }
  return ignored;
}

}  // namespace onyx::ingest
