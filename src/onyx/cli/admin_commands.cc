// The commands that move whole graphs: export, import, backup, restore.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "onyx/cli/command.h"

namespace onyx::cli {

void AddAdminCommands(CLI::App& app, Globals& /*globals*/, Commands& commands) {
  struct ExportArgs {
    std::string as_of;
    std::string output;
    ExportOptions options;
    bool no_text = false;
  };
  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* export_cmd = commands.Add(
      app, "export", "Write the graph as JSON Lines (docs/format/jsonl.md)",
      [export_args](Session& session) {
        ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
        ONYX_ASSIGN_OR_RETURN_EXIT(const auto as_of, session.AsOf(export_args->as_of));
        ExportOptions options = export_args->options;
        options.with_text = !export_args->no_text;
        std::ofstream file;
        if (!export_args->output.empty()) {
          file.open(export_args->output, std::ios::binary | std::ios::trunc);
          if (!file) {
            return Fail(Status::IOError("export: cannot write " + export_args->output));
          }
        }
        std::ostream& out = export_args->output.empty() ? std::cout : file;
        ONYX_ASSIGN_OR_RETURN_EXIT(const TransferSummary s,
                                   e->Export(session.globals().project, out, options, as_of));
        out.flush();
        if (!out) return Fail(Status::IOError("export: writing failed"));
        std::cerr << fmt::format("exported {} revisions, {} nodes, {} edges, {} files' text\n",
                                 s.revisions, s.nodes, s.edges, s.blobs);
        return kExitOk;
      });
  export_cmd->add_option("--as-of", export_args->as_of,
                         "Export as of this revision, commit or date");
  export_cmd->add_flag("--with-history", export_args->options.with_history,
                       "Every version with its validity, not only those valid at the revision");
  export_cmd->add_flag("--no-text", export_args->no_text, "Leave the files' text out");
  export_cmd->add_option("-o,--output", export_args->output, "Write here instead of stdout");

  auto import_path = std::make_shared<std::string>();
  commands
      .Add(app, "import", "Read a JSON Lines export into a new project",
           [import_path](Session& session) {
             ONYX_ASSIGN_OR_RETURN_EXIT(Engine * e, session.engine());
             std::ifstream file;
             if (*import_path != "-") {
               file.open(*import_path, std::ios::binary);
               if (!file) return Fail(Status::NotFound("import: cannot read " + *import_path));
             }
             std::istream& in = *import_path == "-" ? std::cin : file;
             ONYX_ASSIGN_OR_RETURN_EXIT(const TransferSummary s,
                                        e->Import(session.globals().project, in));
             fmt::print("imported {} revisions, {} nodes, {} edges, {} files' text into {}\n",
                        s.revisions, s.nodes, s.edges, s.blobs, session.globals().project);
             return kExitOk;
           })
      ->add_option("file", *import_path, "The export (- for stdin)")
      ->required();

  auto backup_dir = std::make_shared<std::string>();
  commands
      .Add(app, "backup", "Write a consistent checkpoint of the whole store",
           [backup_dir](Session& session) {
             const std::string& data_dir = session.globals().data_dir;
             auto e = session.engine();
             if (!e.ok() && e.status().code() == StatusCode::kAborted) {
               // Another process has the store: copy it from a read-only follower.
               if (Status s = Engine::BackupInUse(data_dir, *backup_dir); !s.ok()) return Fail(s);
               fmt::print("backed up {} to {} (in use by another process: copied as of now)\n",
                          data_dir, *backup_dir);
               return kExitOk;
             }
             if (!e.ok()) return Fail(e.status());
             if (Status s = (*e)->Backup(*backup_dir); !s.ok()) return Fail(s);
             fmt::print("backed up {} to {}\n", data_dir, *backup_dir);
             return kExitOk;
           })
      ->add_option("dir", *backup_dir, "Folder to create")
      ->required();

  auto restore_dir = std::make_shared<std::string>();
  commands
      .Add(app, "restore", "Replace the store with a backup (the old one is kept beside it)",
           [restore_dir](Session& session) {
             // No engine: the store must not be open while it is replaced.
             ONYX_ASSIGN_OR_RETURN_EXIT(const RestoreSummary s,
                                        Engine::Restore(*restore_dir, session.globals().data_dir));
             fmt::print("restored {} projects from {}\n", s.projects, *restore_dir);
             if (!s.previous.empty()) fmt::print("the replaced store is in {}\n", s.previous);
             return kExitOk;
           })
      ->add_option("dir", *restore_dir, "A folder written by onyx backup")
      ->required();
}

}  // namespace onyx::cli
