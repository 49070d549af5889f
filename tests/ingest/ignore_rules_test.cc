// Gitignore matching: globs, anchoring, folder-only patterns, negation, nested
// ignore files, and patterns that would make a naive matcher backtrack forever.
#include "onyx/ingest/ignore_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace onyx::ingest {
namespace {

TEST(GlobMatch, StarsStayInASegmentAndDoubleStarsSpanSegments) {
  EXPECT_TRUE(GlobMatch("*.log", "app.log"));
  EXPECT_FALSE(GlobMatch("*.log", "logs/app.log"));
  EXPECT_TRUE(GlobMatch("logs/*.log", "logs/app.log"));
  EXPECT_TRUE(GlobMatch("**/*.log", "a/b/c.log"));
  EXPECT_TRUE(GlobMatch("**/*.log", "c.log"));
  EXPECT_TRUE(GlobMatch("a/**/b", "a/b"));
  EXPECT_TRUE(GlobMatch("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(GlobMatch("a/**/b", "a/x/y/c"));
  EXPECT_TRUE(GlobMatch("a/**", "a/x/y"));
  EXPECT_TRUE(GlobMatch("file?.txt", "file1.txt"));
  EXPECT_FALSE(GlobMatch("file?.txt", "file10.txt"));
}

TEST(GlobMatch, ClassesAndEscapes) {
  EXPECT_TRUE(GlobMatch("[abc].py", "b.py"));
  EXPECT_FALSE(GlobMatch("[abc].py", "d.py"));
  EXPECT_TRUE(GlobMatch("[!abc].py", "d.py"));
  EXPECT_TRUE(GlobMatch("v[0-9]", "v7"));
  EXPECT_FALSE(GlobMatch("v[0-9]", "vx"));
  EXPECT_TRUE(GlobMatch("\\*.md", "*.md"));
  EXPECT_FALSE(GlobMatch("\\*.md", "a.md"));
  EXPECT_TRUE(GlobMatch("[unclosed", "[unclosed"));  // a lone '[' is literal
}

TEST(GlobMatch, HostilePatternsStayFast) {
  const std::string text(4000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "a/";
  EXPECT_FALSE(GlobMatch("**/**/**/**/**/**/**/b", deep + "c"));
  EXPECT_TRUE(GlobMatch("**/**/**/**/**/**/**/c", deep + "c"));
}

TEST(IgnoreRules, GitignoreSemantics) {
  IgnoreRules rules;
  rules.AddFile("",
                "# comment\n"
                "*.log\n"
                "!keep.log\n"
                "/build_out/\n"
                "docs/*.tmp\n"
                "cache/\n"
                "\n");
  rules.AddFile("pkg", "/local.py\nsecret*\n");
  EXPECT_TRUE(rules.Ignored("app.log", false));
  EXPECT_TRUE(rules.Ignored("deep/er/app.log", false));
  EXPECT_FALSE(rules.Ignored("keep.log", false));  // negated after
  EXPECT_TRUE(rules.Ignored("build_out", true));
  EXPECT_FALSE(rules.Ignored("build_out", false));     // folder-only
  EXPECT_FALSE(rules.Ignored("sub/build_out", true));  // anchored to the root
  EXPECT_TRUE(rules.Ignored("sub/cache", true));       // unanchored folder
  EXPECT_TRUE(rules.Ignored("docs/a.tmp", false));
  EXPECT_FALSE(rules.Ignored("x/docs/a.tmp", false));
  EXPECT_TRUE(rules.Ignored("pkg/local.py", false));
  EXPECT_FALSE(rules.Ignored("local.py", false));  // pkg's rule stays in pkg
  EXPECT_FALSE(rules.Ignored("pkg/sub/local.py", false));
  EXPECT_TRUE(rules.Ignored("pkg/sub/secret.txt", false));
  EXPECT_FALSE(rules.Ignored("pkgx/secret.txt", false));
  EXPECT_EQ(rules.size(), 7u);
}

TEST(IgnoreRules, LaterListsOverrideEarlierAnswers) {
  IgnoreRules project;
  project.AddPattern("", "!vendor/keep.py");
  project.AddPattern("", "generated/");
  EXPECT_FALSE(project.Ignored("vendor/keep.py", false, /*ignored=*/true));
  EXPECT_TRUE(project.Ignored("vendor/other.py", false, /*ignored=*/true));
  EXPECT_TRUE(project.Ignored("generated", true));
}

TEST(IgnoreRules, RefusesOversizedPatternsAndCountsAreBounded) {
  IgnoreRules rules;
  rules.AddPattern("", std::string(IgnoreRules::kMaxPatternBytes + 1, 'a'));
  EXPECT_EQ(rules.size(), 0u);
  std::string many;
  for (std::size_t i = 0; i < IgnoreRules::kMaxPatterns + 10; ++i)
    many += "p" + std::to_string(i) + "\n";
  rules.AddFile("", many);
  EXPECT_EQ(rules.size(), IgnoreRules::kMaxPatterns);
}

}  // namespace
}  // namespace onyx::ingest
