// `onyx repl` driven through a pseudo-terminal: line editing, tab completion
// of commands and symbol names, meta-commands, history, and a clean exit.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>

#include "testing/temp_dir.h"

namespace onyx {
namespace {

// A child process on a pseudo-terminal.
class Pty {
 public:
  Pty(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      std::_Exit(127);
    }
  }
  ~Pty() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  bool started() const { return pid_ > 0; }

  void Send(const std::string& text) {
    ASSERT_EQ(::write(master_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  // Reads until `needle` appears in what was read since the last Expect (10 s
  // at most); returns that text.
  std::string Expect(const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (buffer_.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) break;
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
    const auto at = buffer_.find(needle);
    EXPECT_NE(at, std::string::npos) << "waiting for: " << needle << "\ngot:\n" << buffer_;
    std::string seen =
        buffer_.substr(0, at == std::string::npos ? buffer_.size() : at + needle.size());
    buffer_.erase(0, seen.size());
    return seen;
  }

  // The exit code, or -1 when the child has not exited within `seconds`.
  int Wait(int seconds = 10) {
    int status = 0;
    for (int i = 0; i < seconds * 10; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        waited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ::usleep(100'000);
    }
    return -1;
  }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  bool waited_ = false;
  std::string buffer_;
};

// Ingests the Python resolution fixture (a small shop) as project "shop" into
// `data`; the shell's exit status.
int IngestShop(const std::string& data) {
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  const std::string ingest = std::string(ONYX_BINARY) + " --data-dir '" + data +
                             "' -p shop ingest '" + fixture + "' >/dev/null 2>&1";
  return std::system(ingest.c_str());
}

TEST(ReplTest, CommandsCompletionMetaCommandsAndHistoryOnATerminal) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  ASSERT_EQ(IngestShop(data), 0);

  Pty repl({ONYX_BINARY, "--data-dir", data, "-p", "shop", "repl"},
           {"TERM=xterm", "NO_COLOR=1", "XDG_STATE_HOME=" + dir.Sub("state")});
  ASSERT_TRUE(repl.started());
  repl.Expect("onyx:shop> ");
  repl.Send("stats\r");
  EXPECT_NE(repl.Expect("onyx:shop> ").find("nodes      31 (31 versions)"), std::string::npos);

  repl.Send(":help\r");
  const std::string help = repl.Expect("onyx:shop> ");
  EXPECT_NE(help.find("Commands (as on the command line, without `onyx`):"), std::string::npos)
      << help;
  for (const char* item : {"impact ", "history ", "diff ", ":json on|off", ":as-of REV|off",
                           ":project NAME", ":quit"}) {
    EXPECT_NE(help.find(item), std::string::npos) << item << "\n" << help;
  }

  // Tab completes a command, then a symbol name.
  // (libedit redraws the line: what follows the cursor-move is the completion.)
  repl.Send("neighb\t");
  repl.Expect("ors ");
  repl.Send("subt\t");
  repl.Expect("otal ");
  repl.Send(" --direction in --edge calls\r");
  const std::string neighbors = repl.Expect("onyx:shop> ");
  EXPECT_NE(neighbors.find("neighbors of function shop.pricing.subtotal as of revision 1: 2 nodes"),
            std::string::npos)
      << neighbors;

  repl.Send(":json on\r");
  repl.Expect("onyx:shop> ");
  repl.Send("find subtotal\r");
  EXPECT_NE(repl.Expect("onyx:shop> ").find("\"qualified_name\": \"shop.pricing.subtotal\""),
            std::string::npos);
  repl.Send(":json off\r");
  repl.Expect("onyx:shop> ");
  repl.Send(":as-of 1\r");
  repl.Expect("answering as of revision 1");
  repl.Expect("onyx:shop@1> ");
  repl.Send(":as-of 7\r");
  EXPECT_NE(repl.Expect("onyx:shop@1> ").find("is not in 1..1"), std::string::npos);
  repl.Send("frobnicate\r");
  EXPECT_NE(repl.Expect("onyx:shop@1> ").find("unknown command 'frobnicate'"), std::string::npos);
  repl.Send("impact nosuch\r");
  EXPECT_NE(repl.Expect("onyx:shop@1> ").find("no node named 'nosuch'"), std::string::npos);
  repl.Send(":quit\r");
  EXPECT_EQ(repl.Wait(), 0);

  std::ifstream history(dir.Sub("state") + "/onyx/history");
  const std::string saved((std::istreambuf_iterator<char>(history)), {});
  EXPECT_NE(saved.find("stats"), std::string::npos) << saved;
  EXPECT_NE(saved.find("find\\040subtotal"), std::string::npos) << saved;  // libedit's escape
}

// Output is coloured on a terminal, unless NO_COLOR is set (no-color.org);
// never through a pipe.
TEST(TerminalTest, ColourOnATerminalUnlessNoColor) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  ASSERT_EQ(IngestShop(data), 0);
  const auto run = [&](const std::string& no_color) {
    Pty find({ONYX_BINARY, "--data-dir", data, "-p", "shop", "find", "subtotal"},
             {"TERM=xterm", "NO_COLOR=" + no_color});
    EXPECT_TRUE(find.started());
    std::string out = find.Expect("shop/pricing.py");
    EXPECT_EQ(find.Wait(), 0);
    return out;
  };
  const std::string coloured = run("");
  EXPECT_NE(coloured.find("\x1b[36mfunction"), std::string::npos) << coloured;  // the kind, cyan
  const std::string plain = run("1");
  EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
  EXPECT_NE(plain.find("function   subtotal"), std::string::npos) << plain;
  const std::string piped = std::string(ONYX_BINARY) + " --data-dir '" + data +
                            "' -p shop find subtotal > '" + dir.Sub("out") + "'";
  ASSERT_EQ(std::system(("NO_COLOR= " + piped).c_str()), 0);
  std::ifstream in(dir.Sub("out"));
  const std::string out((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("subtotal"), std::string::npos) << out;
}

TEST(ReplTest, ReadsCommandsFromAPipe) {
  testing::TempDir dir;
  const std::string data = dir.Sub("data");
  const std::string fixture = testing::SourceDir() + "/tests/fixtures/resolve/python";
  const std::string cmd =
      "( " + std::string(ONYX_BINARY) + " --data-dir '" + data + "' -p shop ingest '" + fixture +
      "' >/dev/null && printf 'stats --json\\n"
      ":quit\\nstats\\n' | " +
      ONYX_BINARY + " --data-dir '" + data + "' -p shop repl ) > '" + dir.Sub("out") + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir.Sub("out"));
  const std::string out((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(out.find("\"revision\": 1"), std::string::npos) << out;
  EXPECT_EQ(out.find("revisions  1"), std::string::npos) << out;  // after :quit
}

}  // namespace
}  // namespace onyx
