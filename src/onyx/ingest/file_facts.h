// What a file says about other code: its imports and the names it uses (calls,
// type references, base classes, doc mentions). Extracted once per content hash
// and kept as a derived blob, so that references can be resolved again when other
// files change without re-parsing this one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::ingest {

/// Bump when extraction changes what it finds: files ingested by an older
/// extractor are then re-parsed once (their file node records the version).
inline constexpr std::uint32_t kFactsVersion = 2;  // 2: docs run through adjacent comments only

/// One binding an import statement makes, as written.
///  - `module`: the module path as the language spells it: "./util" (JS/TS),
///    "pkg.mod" or ".sibling" (Python), "crate::a::b" (Rust), "com.x" (Java),
///    "github.com/x/y" (Go).
///  - `name`: the imported symbol, "" when the module itself is imported, "*" for
///    a wildcard (`from m import *`, `import com.x.*`, `export * from`).
///  - `alias`: the local name when it differs (`as h`, Go's package alias).
///  - `reexport`: the file makes the binding visible to its importers
///    (`export … from`, `pub use`; Python's package __init__ re-exports anyway).
struct ImportFact {
  std::string module;
  std::string name;
  std::string alias;
  bool reexport = false;
  Span span;
  friend bool operator==(const ImportFact&, const ImportFact&) = default;
};

/// How a name is used. Persisted; values never change.
enum class ReferenceKind : std::uint8_t {
  kCall = 1,       ///< `f()`, `obj.m()`, `Type::new()`, `new Foo()`
  kType = 2,       ///< a type named in a signature, field or body
  kInherit = 3,    ///< a base class / extended interface
  kImplement = 4,  ///< an implemented interface or trait
  kMention = 5,    ///< a code span in documentation
};

/// One use of a name. `qualifier` is what precedes it ("self", "pricing",
/// "Self", "os.path", "" when bare). `subject` names the type that inherits or
/// implements when that is not the enclosing definition (Rust `impl Trait for
/// Type` gives subject "Type").
struct ReferenceFact {
  ReferenceKind kind = ReferenceKind::kCall;
  std::string name;
  std::string qualifier;
  std::string subject;
  Span span;
  friend bool operator==(const ReferenceFact&, const ReferenceFact&) = default;
};

struct FileFacts {
  std::vector<ImportFact> imports;
  std::vector<ReferenceFact> references;
  friend bool operator==(const FileFacts&, const FileFacts&) = default;
};

/// Limits the extractor keeps to (and the decoder enforces).
inline constexpr std::size_t kMaxFactsPerFile = 200'000;
inline constexpr std::size_t kMaxFactNameBytes = 512;

/// Bytes: a format version byte, then varint counts and length-prefixed fields
/// (docs/format/values.md).
std::string EncodeFileFacts(const FileFacts& facts);
/// Corruption on bad bytes, an unknown version, or counts over the limits.
Result<FileFacts> DecodeFileFacts(std::string_view bytes);

/// The blob key under which the facts of a file with content `source` are kept:
/// derived from the content hash and kFactsVersion, so that a new extractor
/// never reads an old one's facts.
ContentHash FactsKey(const ContentHash& source);

}  // namespace onyx::ingest
