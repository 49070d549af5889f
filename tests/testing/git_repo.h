// A git repository a test builds commit by commit with the git CLI.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace onyx::testing {

class GitRepo {
 public:
  /// `git init` in `path` (created), on branch main.
  explicit GitRepo(std::string path) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    Git("init -q -b main");
  }

  const std::string& path() const { return path_; }

  /// Runs `git ARGS` in the repository as Ada, failing the test on error.
  /// `env` ("GIT_AUTHOR_DATE=… ") goes before the command.
  void Git(const std::string& args, const std::string& env = "") const {
    const std::string cmd = env + "git -C '" + path_ +
                            "' -c user.name=Ada -c user.email=ada@example.com "
                            "-c commit.gpgsign=false " +
                            args + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }

  /// Writes a file of the work tree (relative path), creating its folders.
  void Write(const std::string& path, const std::string& text) const {
    const std::filesystem::path p = std::filesystem::path(path_) / path;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }

  /// Commits everything with `message`, dated `date` (git's formats, e.g.
  /// "2026-01-10T12:00:00Z"; now when empty); returns the commit id.
  std::string Commit(const std::string& message, const std::string& date = "") const {
    Git("add -A");
    const std::string env =
        date.empty() ? "" : "GIT_AUTHOR_DATE='" + date + "' GIT_COMMITTER_DATE='" + date + "' ";
    Git("commit -q --allow-empty -m '" + message + "'", env);
    const std::string out = path_ + "/.git/onyx-test-head";
    const std::string cmd = "git -C '" + path_ + "' rev-parse HEAD > '" + out + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream in(out);
    std::string id;
    in >> id;
    return id;
  }

 private:
  std::string path_;
};

}  // namespace onyx::testing
