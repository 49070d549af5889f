// .gitignore semantics for the tree walker: patterns from .gitignore files (each
// applying below its own folder), the root's .onyxignore, and the project's own
// list, where the last pattern that matches decides.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace onyx::ingest {

/// Matches a gitignore glob against a '/'-separated path: `*` and `?` stay
/// within a segment, `[a-z]`/`[!x]` are classes, `**` as a whole segment spans
/// any number of segments, `\` escapes. Linear-time per segment pair; no
/// backtracking blow-up on hostile patterns.
bool GlobMatch(std::string_view pattern, std::string_view path);

class IgnoreRules {
 public:
  /// Adds the lines of an ignore file found in folder `base` ("" for the root).
  /// Blank lines and `#` comments are skipped; at most kMaxPatterns are kept.
  void AddFile(std::string_view base, std::string_view text);
  /// Adds one pattern, as a line of an ignore file in `base`.
  void AddPattern(std::string_view base, std::string_view line);

  /// True when `path` (repository-relative) is ignored. Callers ask for each
  /// folder before walking into it: what is inside an ignored folder stays
  /// ignored, as in git.
  /// `ignored` is the answer of rules consulted before these (so a project list
  /// can override .gitignore files, and the other way round).
  bool Ignored(std::string_view path, bool is_dir, bool ignored = false) const;

  std::size_t size() const { return rules_.size(); }

  static constexpr std::size_t kMaxPatterns = 10'000;
  static constexpr std::size_t kMaxPatternBytes = 1024;

 private:
  struct Rule {
    std::string base;     // folder of the ignore file, "" for the root
    std::string pattern;  // without '!', leading '/', trailing '/'
    bool negate = false;
    bool dir_only = false;
    bool anchored = false;  // contains '/': relative to base, else any depth
  };
  std::vector<Rule> rules_;
};

}  // namespace onyx::ingest
