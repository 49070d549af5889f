// `onyx repl`: the commands of the CLI, one per line, on one open store, with
// line editing (libedit), history in $XDG_STATE_HOME/onyx/history, and tab
// completion of commands and symbol names.
#pragma once

#include <functional>

#include "onyx/cli/command.h"

namespace onyx::cli {

/// Adds every command `repl` can run to `app` (the same as the command line's).
using Registrar = std::function<void(CLI::App& app, Globals& globals, Commands& commands)>;

/// Runs the loop until `:quit` or end of input; returns 0. On a terminal it
/// prompts and edits lines; otherwise it reads commands from stdin silently.
int RunRepl(Session& session, const Registrar& registrar);

}  // namespace onyx::cli
