// The REPL loop, its meta-commands and completion.
#include "onyx/cli/repl.h"

#include <editline/readline.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace onyx::cli {
namespace {

constexpr const char* kMetaHelp =
    "  :help               this text (and COMMAND --help for a command's options)\n"
    "  :json on|off        print JSON documents instead of text\n"
    "  :as-of REV|off      answer as of a revision, commit or date (or the latest)\n"
    "  :project NAME       switch project\n"
    "  :quit               leave (or Ctrl-D)\n";

std::string HistoryPath() {
  std::string base;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state != 0) {
    base = state;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    base = std::string(home) + "/.local/state";
  } else {
    return {};
  }
  std::error_code ec;
  std::filesystem::create_directories(base + "/onyx", ec);
  return ec ? std::string() : base + "/onyx/history";
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// Completion state: libedit calls plain C functions.
struct Completion {
  Session* session = nullptr;
  std::vector<std::string> commands;
  std::vector<std::string> candidates;
  std::size_t next = 0;
};
Completion g_completion;

char* NextCandidate(const char* /*text*/, int state) {
  if (state == 0) g_completion.next = 0;
  if (g_completion.next >= g_completion.candidates.size()) return nullptr;
  return ::strdup(g_completion.candidates[g_completion.next++].c_str());
}

char** Complete(const char* text, int start, int /*end*/) {
  rl_attempted_completion_over = 1;  // no file-name fallback
  g_completion.candidates.clear();
  const std::string prefix = text;
  if (start == 0) {
    for (const std::string& c : g_completion.commands) {
      if (c.starts_with(prefix)) g_completion.candidates.push_back(c);
    }
  } else if (!prefix.empty() && prefix.front() != '-') {
    auto engine = g_completion.session->engine();
    if (engine.ok()) {
      auto nodes = (*engine)->FindByName(g_completion.session->globals().project, prefix,
                                         /*prefix=*/true, 200);
      if (nodes.ok()) {
        for (const Node& n : *nodes) {
          // Names are matched case-insensitively; complete with the real one.
          if (n.name.size() >= prefix.size()) g_completion.candidates.push_back(n.name);
        }
      }
    }
    std::sort(g_completion.candidates.begin(), g_completion.candidates.end());
    g_completion.candidates.erase(
        std::unique(g_completion.candidates.begin(), g_completion.candidates.end()),
        g_completion.candidates.end());
  }
  if (g_completion.candidates.empty()) return nullptr;
  return rl_completion_matches(text, NextCandidate);
}

// Runs one meta-command; false when it asks to leave.
bool Meta(Session& session, const std::string& line, bool* json) {
  std::istringstream words(line);
  std::string name, arg;
  words >> name >> arg;
  if (name == ":quit" || name == ":q" || name == ":exit") return false;
  if (name == ":help") {
    std::cout << "Commands (as on the command line, without `onyx`):\n  ";
    for (const std::string& c : g_completion.commands) {
      if (!c.starts_with(":")) std::cout << c << " ";
    }
    std::cout << "\nMeta-commands:\n" << kMetaHelp;
  } else if (name == ":json") {
    if (arg != "on" && arg != "off") {
      std::cerr << "onyx: :json takes on or off\n";
    } else {
      *json = arg == "on";
      std::cout << "json " << arg << "\n";
    }
  } else if (name == ":as-of") {
    if (arg.empty() || arg == "off" || arg == "latest") {
      session.globals().as_of.clear();
      std::cout << "answering as of the latest revision\n";
    } else {
      auto rev = session.AsOf(arg);
      if (!rev.ok()) {
        Fail(rev.status());
      } else {
        session.globals().as_of = arg;
        std::cout << "answering as of revision " << **rev << "\n";
      }
    }
  } else if (name == ":project") {
    if (arg.empty()) {
      std::cout << "project " << session.globals().project << "\n";
    } else {
      session.globals().project = arg;
      std::cout << "project " << arg << "\n";
    }
  } else {
    std::cerr << "onyx: unknown meta-command " << name << " (try :help)\n";
  }
  return true;
}

// Parses and runs one command line against the open session.
void RunLine(Session& session, const Registrar& registrar, const std::string& line, bool json) {
  const std::string first = line.substr(0, line.find_first_of(" \t"));
  if (std::find(g_completion.commands.begin(), g_completion.commands.end(), first) ==
      g_completion.commands.end()) {
    std::cerr << "onyx: unknown command '" << first << "' (try :help)\n";
    return;
  }
  CLI::App app{"onyx"};
  app.require_subcommand(1);
  Commands commands;
  Globals& globals = session.globals();
  registrar(app, globals, commands);
  globals.json = json;
  try {
    app.parse(line, /*program_name_included=*/false);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return;
  }
  commands.Run(session);
  std::cout.flush();
}

}  // namespace

int RunRepl(Session& session, const Registrar& registrar) {
  // The names to complete: every command and meta-command.
  {
    CLI::App app;
    Commands commands;
    registrar(app, session.globals(), commands);
    g_completion.commands = commands.Names();
    for (const char* meta : {":help", ":json", ":as-of", ":project", ":quit"}) {
      g_completion.commands.push_back(meta);
    }
    g_completion.session = &session;
  }
  // Open the store now: a locked or missing store should say so at once.
  if (auto engine = session.engine(); !engine.ok()) return Fail(engine.status());
  bool json = session.globals().json;
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  if (!tty) {
    std::string line;
    while (std::getline(std::cin, line)) {
      line = Trim(line);
      if (line.empty() || line.front() == '#') continue;
      if (line.front() == ':') {
        if (!Meta(session, line, &json)) break;
        continue;
      }
      RunLine(session, registrar, line, json);
    }
    return kExitOk;
  }
  const std::string history = HistoryPath();
  using_history();
  stifle_history(1000);
  if (!history.empty()) read_history(history.c_str());
  rl_attempted_completion_function = Complete;
  std::cout << "onyx repl: project " << session.globals().project
            << ". :help for help, Ctrl-D to leave.\n";
  while (true) {
    const std::string prompt =
        "onyx:" + session.globals().project +
        (session.globals().as_of.empty() ? "" : "@" + session.globals().as_of) + "> ";
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) {
      std::cout << "\n";
      break;
    }
    const std::string line = Trim(raw);
    std::free(raw);
    if (line.empty()) continue;
    add_history(line.c_str());
    if (line.front() == ':') {
      if (!Meta(session, line, &json)) break;
      continue;
    }
    RunLine(session, registrar, line, json);
  }
  if (!history.empty()) write_history(history.c_str());
  return kExitOk;
}

}  // namespace onyx::cli
